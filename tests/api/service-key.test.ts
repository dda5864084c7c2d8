// One database, one service key: a second instance started over the same database with a key of
// its own is refused at start (it could not open the sealed vote secrets nor sign what observers
// check against the JWKS), and the first instance is unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServiceKeys } from '../../src/keys.ts';
import { StartupError } from '../../src/db/database.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

let first: TestService;

beforeAll(async () => {
  first = await startTestService();
});

afterAll(async () => {
  await first?.close();
});

describe('the service key a database belongs to', () => {
  it('refuses to start a second instance with another key, naming both keys', async () => {
    const other = await generateServiceKeys();
    const refused = await startTestService({ sameDatabaseAs: first, keys: other }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as Error).message).toContain(first.ctx.keys.kid);
    expect((refused as Error).message).toContain(other.kid);
    expect((refused as Error).message).toContain('PIAOJUE_SIGNING_KEY');
    // The first instance still serves, with its own key.
    const jwks = await fetch(`${first.url}/.well-known/jwks.json`).then((r) => r.json());
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([first.ctx.keys.kid]);
  });

  it('starts a second instance that holds the same key', async () => {
    const second = await startTestService({ sameDatabaseAs: first });
    try {
      const res = await fetch(`${second.url}/healthz`);
      expect(res.status).toBe(200);
    } finally {
      await second.close();
    }
  });
});
