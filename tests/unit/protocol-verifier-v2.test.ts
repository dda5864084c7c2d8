// The verifier on version-2 records built with the protocol functions alone: marks bound to the
// token by the one-time key's signature, the check that names a changed ballot by its hash, and
// the version rules (a ballot of one version never passes in a record of the other).
import { importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { ballotHash, parseVoteDefinition, type Ballot, type BallotV2 } from '../../src/protocol/ballot.ts';
import { generateBallotKey, signBallot } from '../../src/protocol/ballot-v2.ts';
import type { ChainEntry, VoteRecord } from '../../src/protocol/chain.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { signTally } from '../../src/protocol/receipt.ts';
import { computeTally } from '../../src/protocol/tally.ts';
import { hashToken, signBlinded } from '../../src/protocol/tokens.ts';
import { verifyRecord, type VerificationCode } from '../../src/protocol/verifier.ts';
import { buildScenario } from '../../testkit/protocol-scenario.ts';
import { protocolErrorCode, rehash } from '../helpers/records.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

const s = await buildScenario('verifier-v2', { version: 2 });
const v1 = await buildScenario('verifier-v2/v1');
const rnd = seededRandom('coefficients-v2');
type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
const sortByHash = (bs: Ballot[]) => bs.sort((a, b) => (ballotHash(a) < ballotHash(b) ? -1 : 1));
const failed = async (record: unknown) =>
  (await verifyRecord(record, { jwks: s.service.jwks, randomBytes: rnd })).checks.filter((c) => !c.ok).map((c) => c.code as VerificationCode);

/**
 * The tamperer's best case: they hold the service key, so after changing the ballots they
 * recount, re-sign the tally and re-hash the chain. Only the ballot signatures can tell.
 */
async function tamperedAndResigned(mutate: (ballots: BallotV2[]) => void): Promise<{ record: VoteRecord; ballots: BallotV2[] }> {
  const record = structuredClone(s.record);
  const closed = record.entries.at(-1) as Closed;
  const ballots = closed.body.ballots as BallotV2[];
  mutate(ballots);
  sortByHash(ballots);
  const issued = closed.body.issuances.length;
  closed.body.tally = computeTally(s.definition, ballots, { issued, present: s.present.length });
  closed.body.tallySignature = await signTally(closed.body.tally, await importJWK(s.service.privateJwk, 'EdDSA'), s.service.kid);
  return { record: rehash(record), ballots };
}

describe('verifyRecord on a version-2 record', () => {
  it('passes every check, the ballot signatures included, and says version 2', async () => {
    const report = await verifyRecord(structuredClone(s.record), { jwks: s.service.jwks, randomBytes: rnd });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.version).toBe(2);
    expect(report.checks.map((c) => c.id)).toEqual([
      'record',
      'chain',
      'vote',
      'rules',
      'authority',
      'attendance',
      'issuances',
      'turnout',
      'ballots',
      'ballotOrder',
      'tokensUnique',
      'tokenSignatures',
      'ballotSignatures',
      'confirmations',
      'countersignatures',
      'tally',
      'tallySignature',
    ]);
    for (const c of report.checks) expect(c.detailZh, c.id).toMatch(/[\u4e00-\u9fff]/);
  });

  it('when one mark is changed, even with the tally recounted and re-signed / fails ballot_signature_invalid only, naming the ballot by its hash', async () => {
    let changed = '';
    const { record } = await tamperedAndResigned((ballots) => {
      const b = ballots[0]!;
      b.choices['A']!['a1'] = b.choices['A']!['a1'] === 'approve' ? 'disapprove' : 'approve';
      changed = ballotHash(b);
    });
    const report = await verifyRecord(record, { jwks: s.service.jwks, randomBytes: rnd });
    const bad = report.checks.filter((c) => !c.ok);
    // The members' confirmations and the inspectors' countersignatures no longer match either.
    expect(bad.map((c) => c.code)).toEqual(['ballot_signature_invalid', 'confirmation_invalid', 'countersignature_invalid']);
    expect(bad[0]!.detail).toContain(changed);
    expect(bad[0]!.detailZh).toBe(`选票 ${changed}：划票内容的签名在其选票公钥下无效`);
  });

  it('when a ballot is re-signed by another one-time key than its token binds / fails token_signature_invalid', async () => {
    const { record } = await tamperedAndResigned((ballots) => {
      const b = ballots[1]!;
      const key = generateBallotKey(seededRandom('intruder'));
      b.ballotPublicKey = toBase64url(key.publicKey);
      b.ballotSignature = toBase64url(signBallot(key.secretKey, b.voteId, b.choices));
    });
    expect(await failed(record)).toEqual(['token_signature_invalid', 'confirmation_invalid', 'countersignature_invalid']);
  });

  it('when a version-2 ballot carries a token hashed under the version-1 DST / fails token_signature_invalid', async () => {
    const { record } = await tamperedAndResigned((ballots) => {
      const b = ballots[0]!;
      // The vote key itself signs, but over the version-1 message: a v1 token never passes as v2.
      b.signature = toBase64url(signBlinded(s.voteSecretKey, hashToken(b.voteId, Buffer.from(b.ballotPublicKey, 'base64url'), 1)));
    });
    expect(await failed(record)).toEqual(['token_signature_invalid', 'confirmation_invalid', 'countersignature_invalid']);
  });

  it('when a version-1 ballot appears in a version-2 record / fails ballot_invalid', async () => {
    const record = structuredClone(s.record);
    const closed = record.entries.at(-1) as Closed;
    closed.body.ballots.push(structuredClone(v1.ballots[0]!));
    sortByHash(closed.body.ballots);
    expect(await failed(rehash(record))).toContain('ballot_invalid');
  });

  it('when the definition loses its version fields / the record is malformed (record_malformed)', async () => {
    const record = structuredClone(s.record);
    const created = record.entries.find((e) => e.kind === 'vote.created') as Extract<ChainEntry, { kind: 'vote.created' }>;
    delete created.body.definition.version;
    delete created.body.definition.runoffOf;
    const codes = await failed(rehash(record));
    // The entries of a version-2 chain name who acted (\`by\`), which version 1 does not allow:
    // stripping the version makes the record malformed before any ballot is read.
    expect(codes[0]).toBe('record_malformed');
  });
});

describe('definition versions', () => {
  it('a definition without version is version 1; version 2 is kept; any other value is refused with invalid_definition', () => {
    expect(parseVoteDefinition(v1.definition).version).toBeUndefined();
    expect(parseVoteDefinition(s.definition).version).toBe(2);
    expect(protocolErrorCode(() => parseVoteDefinition({ ...s.definition, version: 1 }))).toBe('invalid_definition');
    expect(protocolErrorCode(() => parseVoteDefinition({ ...s.definition, version: 3 }))).toBe('invalid_definition');
    expect(protocolErrorCode(() => parseVoteDefinition({ ...s.definition, version: '2' }))).toBe('invalid_definition');
  });
});
