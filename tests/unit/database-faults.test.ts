// Which database errors answer 503 with Retry-After (transient: send the request again) and
// which stay 500 (a bug). Driver errors are plain objects here: the classification reads
// only their code, message and name.
import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { isUniqueViolation, transientFault } from '../../src/db/faults.ts';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('transient database faults', () => {
  it.each([
    ['deadlock', '40P01'],
    ['serialization failure', '40001'],
    ['lock timeout', '55P03'],
    ['statement timeout', '57014'],
    ['terminated backend', '57P01'],
    ['server starting up', '57P03'],
    ['connection failure', '08006'],
    ['too many connections', '53300'],
    ['disk full', '53100'],
    ['out of memory', '53200'],
    ['I/O error', '58030'],
  ])('a %s (SQLSTATE %s) is transient', (_what, code) => {
    expect(transientFault(pgError(code))?.retryAfter).toBeGreaterThan(0);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOSPC'])('a socket or disk error %s is transient', (code) => {
    expect(transientFault(pgError(code))?.retryAfter).toBeGreaterThan(0);
  });

  it('a lost connection and a pool connect timeout, which node-postgres reports without a code, are transient', () => {
    expect(transientFault(new Error('Connection terminated unexpectedly'))).toBeDefined();
    expect(transientFault(new Error('timeout exceeded when trying to connect'))).toBeDefined();
  });

  it('an aborted embedded database runtime is transient', () => {
    const e = new Error('Aborted(). Build with -sASSERTIONS for more info.');
    e.name = 'RuntimeError';
    expect(transientFault(e)).toBeDefined();
  });

  it('a wrapped driver error is recognised through its cause', () => {
    expect(transientFault(new Error('outer', { cause: pgError('40P01') }))?.code).toBe('40P01');
  });

  it.each([
    ['unique violation', '23505'],
    ['undefined table', '42P01'],
    ['syntax error', '42601'],
    ['internal error', 'XX000'],
    ['invalid text', '22021'],
  ])('a %s (SQLSTATE %s) is not transient: it stays a 500', (_what, code) => {
    expect(transientFault(pgError(code))).toBeUndefined();
  });

  it('an ordinary exception is not transient', () => {
    expect(transientFault(new TypeError('undefined is not a function'))).toBeUndefined();
    expect(transientFault(undefined)).toBeUndefined();
  });
});

describe('unique violations, by the constraint that fired', () => {
  it('names the unique index a real duplicate hit, and no other', async () => {
    const db = new PGlite();
    try {
      await db.exec('CREATE TABLE runoffs (id int PRIMARY KEY, runoff_of int); CREATE UNIQUE INDEX one_runoff ON runoffs (runoff_of)');
      await db.exec('INSERT INTO runoffs VALUES (1, 7)');
      const duplicateOf = await db.query('INSERT INTO runoffs VALUES (2, 7)').then(
        () => undefined,
        (e: unknown) => e,
      );
      const duplicateId = await db.query('INSERT INTO runoffs VALUES (1, 8)').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isUniqueViolation(duplicateOf, 'one_runoff')).toBe(true);
      // The same SQLSTATE on another constraint is another fault: not the race the handler expects.
      expect(isUniqueViolation(duplicateId, 'one_runoff')).toBe(false);
      expect(isUniqueViolation(duplicateId, 'runoffs_pkey')).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('is false for anything that is not a unique violation', () => {
    expect(isUniqueViolation(pgError('23503'), 'one_runoff')).toBe(false);
    expect(isUniqueViolation(Object.assign(pgError('23505'), { constraint: 'other' }), 'one_runoff')).toBe(false);
    expect(isUniqueViolation(undefined, 'one_runoff')).toBe(false);
    expect(isUniqueViolation('23505', 'one_runoff')).toBe(false);
  });
});
