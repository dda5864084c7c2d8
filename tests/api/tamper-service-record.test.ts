// The tamper matrix on a real record produced by the service over HTTP: each class of change
// makes the verifier fail with its specific code; the untouched record passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, NAMES } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken, rng, closeAndPublish } from '../helpers/voting.ts';
import type { ChainEntry, VoteRecord } from '../../src/protocol/chain.ts';
import { ballotHash, type Ballot, type BallotV2, type VoteDefinition } from '../../src/protocol/ballot.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { generateVoteKey, signBlinded, hashToken } from '../../src/protocol/tokens.ts';
import { generateBallotKey } from '../../src/protocol/ballot-v2.ts';
import { buildBallot } from '../../src/protocol/member-ballot.ts';
import { verifyRecord, type VerificationCode } from '../../src/protocol/verifier.ts';
import { rehash } from '../helpers/records.ts';

let service: TestService;
let record: VoteRecord;
let jwks: { keys: unknown[] };

beforeAll(async () => {
  service = await startTestService();
  const admin = await adminSession(service);
  const c = await createCommittee(admin, '篡改测试委员会', NAMES.slice(0, 9));
  const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
  const def: VoteDefinition = (
    await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, {
      title: '表决',
      items: [
        { post: '局长', seats: 1, candidates: ['王小洪'] },
        { post: '副主任', seats: 2, candidates: ['李干杰', '万立骏', '于伟国'] },
      ],
    })
  ).body.definition;
  await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
  await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.slice(0, 8).map((m) => m.personId) });
  const tokens = [];
  for (const m of c.members.slice(0, 8)) tokens.push(await obtainToken(m, def));
  await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
  for (const [i, t] of tokens.slice(0, 7).entries())
    await cast(service.url, t, approveOnly(def, i % 2 ? ['王小洪', '于伟国'] : ['王小洪', '万立骏', '李干杰']));
  await closeAndPublish(c.secretary, c.members, def.voteId);
  record = (await new Api(service.url).get(`/v1/votes/${def.voteId}/record`)).body;
  jwks = (await new Api(service.url).get('/.well-known/jwks.json')).body;
});
afterAll(async () => service?.close());

type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
const verify = (r: unknown, pinnedHead?: { seq: number; hash: string }) =>
  verifyRecord(r, { jwks: jwks as never, randomBytes: rng, ...(pinnedHead ? { pinnedHead } : {}) });
const failed = async (r: unknown, pin?: { seq: number; hash: string }) =>
  (await verify(r, pin)).checks.filter((c) => !c.ok).map((c) => c.code as VerificationCode);

/** A copy with `mutate` applied, re-hashed so the chain itself stays consistent (the attacker's best case). */
function tampered(mutate: (r: VoteRecord, closed: Closed) => void): VoteRecord {
  const r = structuredClone(record);
  mutate(r, r.entries.at(-1) as Closed);
  return rehash(r);
}

describe('the verifier on a record produced by the service', () => {
  it('passes the untouched record', async () => {
    expect(await failed(record)).toEqual([]);
  });

  it('catches a flipped byte in every single entry', async () => {
    for (let i = 0; i < record.entries.length; i++) {
      const r = structuredClone(record);
      const text = JSON.stringify(r.entries[i]!.body);
      // Flip the first character of the last string value (an id, a name, a key), keeping
      // the JSON valid.
      const pos = text.lastIndexOf('":"') + 3;
      const ch = text[pos]!;
      const swap = /[0-9]/.test(ch)
        ? String((Number(ch) + 1) % 10)
        : /[a-f]/.test(ch)
          ? ch === 'a'
            ? 'b'
            : 'a'
          : ch === '王'
            ? '汪'
            : ch === '篡'
              ? '改'
              : ch === 's'
                ? 't'
                : 'x';
      const flipped = text.slice(0, pos) + swap + text.slice(pos + 1);
      r.entries[i]!.body = JSON.parse(flipped);
      const got = await failed(r);
      // Where the flip breaks the entry's shape (an enum value, say) the record check names it;
      // otherwise only the hash can tell.
      expect({ entry: i, caught: got.includes('chain_hash') || got[0] === 'record_malformed' }).toEqual({ entry: i, caught: true });
    }
  }, 120_000);

  const forgedBallot = (template: Ballot): Ballot => {
    const key = generateVoteKey(rng);
    // A fresh one-time key that signs its marks properly, with a "token" signed by a key
    // that is not the vote's.
    const ballotKey = generateBallotKey(rng);
    const signature = toBase64url(signBlinded(key.secretKey, hashToken(template.voteId, ballotKey.publicKey, 2)));
    return buildBallot(
      { voteId: template.voteId, ballotSecretKey: toBase64url(ballotKey.secretKey), ballotPublicKey: toBase64url(ballotKey.publicKey), signature },
      structuredClone(template.choices),
    );
  };

  const cases: [string, () => VoteRecord, VerificationCode][] = [
    [
      'a changed mark',
      () =>
        tampered((_, c) => {
          const b = c.body.ballots[0]!;
          b.choices.i1!.c1 = b.choices.i1!.c1 === 'approve' ? 'disapprove' : 'approve';
          c.body.ballots.sort((x, y) => (ballotHash(x) < ballotHash(y) ? -1 : 1));
        }),
      'ballot_signature_invalid',
    ],
    [
      'a changed mark (the published tally no longer adds up either)',
      () =>
        tampered((_, c) => {
          const b = c.body.ballots[0]!;
          b.choices.i1!.c1 = b.choices.i1!.c1 === 'approve' ? 'disapprove' : 'approve';
          c.body.ballots.sort((x, y) => (ballotHash(x) < ballotHash(y) ? -1 : 1));
        }),
      'tally_mismatch',
    ],
    [
      'a swapped ballot signature',
      () =>
        tampered((_, c) => {
          (c.body.ballots[0] as BallotV2).ballotSignature = (c.body.ballots[1] as BallotV2).ballotSignature;
          c.body.ballots.sort((x, y) => (ballotHash(x) < ballotHash(y) ? -1 : 1));
        }),
      'ballot_signature_invalid',
    ],
    ['a dropped ballot', () => tampered((_, c) => c.body.ballots.splice(2, 1)), 'tally_mismatch'],
    ['a duplicated ballot', () => tampered((_, c) => c.body.ballots.splice(1, 0, structuredClone(c.body.ballots[1]!))), 'token_reused'],
    ['reordered ballots', () => tampered((_, c) => c.body.ballots.reverse()), 'ballot_order'],
    [
      'an added ballot with a forged token',
      () =>
        tampered((_, c) => {
          c.body.ballots.push(forgedBallot(c.body.ballots[0]!));
          c.body.ballots.sort((x, y) => (ballotHash(x) < ballotHash(y) ? -1 : 1));
        }),
      'token_signature_invalid',
    ],
    [
      'an added ballot reusing a token',
      () =>
        tampered((_, c) => {
          const copy = structuredClone(c.body.ballots[0]!);
          copy.choices.i1!.c1 = copy.choices.i1!.c1 === 'approve' ? 'abstain' : 'approve';
          c.body.ballots.push(copy);
          c.body.ballots.sort((x, y) => (ballotHash(x) < ballotHash(y) ? -1 : 1));
        }),
      'token_reused',
    ],
    ['a changed count in the tally', () => tampered((_, c) => (c.body.tally.items[1]!.candidates[0]!.approve += 1)), 'tally_mismatch'],
    ['a changed outcome in the tally', () => tampered((_, c) => (c.body.tally.items[0]!.candidates[0]!.outcome = 'not_elected')), 'tally_mismatch'],
    [
      'a swapped vote key',
      () =>
        tampered(
          (r) =>
            ((r.entries.find((e) => e.kind === 'vote.created')!.body as { definition: VoteDefinition }).definition.publicKey = toBase64url(
              generateVoteKey(rng).publicKey,
            )),
        ),
      'token_signature_invalid',
    ],
    ['a dropped issuance', () => tampered((_, c) => c.body.issuances.splice(0, 1)), 'tally_mismatch'],
    ['two dropped issuances (fewer tokens than ballots)', () => tampered((_, c) => c.body.issuances.splice(0, 2)), 'turnout_inconsistent'],
    [
      'a forged issuance',
      () => tampered((_, c) => (c.body.issuances[0]!.deviceSignature = c.body.issuances[1]!.deviceSignature)),
      'issuance_signature_invalid',
    ],
  ];

  it.each(cases)('fails on %s with %s', async (_name, make, code) => {
    expect(await failed(make())).toContain(code);
  });

  it('fails a truncated tail against a pinned head, and a rewritten history', async () => {
    const pin = record.head;
    const truncated = tampered((r) => r.entries.pop());
    expect(await failed(truncated, pin)).toContain('pinned_head_mismatch');
    const rewritten = tampered((r) => ((r.entries[0]!.body as { name: string }).name = '另一个委员会'));
    expect(await failed(rewritten, pin)).toContain('pinned_head_mismatch');
    expect(await failed(record, pin)).toEqual([]);
  });
});
