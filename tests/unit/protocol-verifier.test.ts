import { importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { ballotHash, type Ballot } from '../../src/protocol/ballot.ts';
import type { ChainEntry, VoteRecord } from '../../src/protocol/chain.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { signTally } from '../../src/protocol/receipt.ts';
import { generateVoteKey, hashToken } from '../../src/protocol/tokens.ts';
import { verifyRecord, type VerificationCode } from '../../src/protocol/verifier.ts';
import { buildScenario, serviceKey } from '../../testkit/protocol-scenario.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';
import { rehash } from '../helpers/records.ts';

const s = await buildScenario('verifier-test');
const rnd = seededRandom('coefficients');
const verify = (record: unknown, pinnedHead?: { seq: number; hash: string }) =>
  verifyRecord(record, { jwks: s.service.jwks, randomBytes: rnd, ...(pinnedHead ? { pinnedHead } : {}) });

type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
/** A deep copy of the record with `mutate` applied to the vote.closed body (or anything), re-hashed so the chain stays consistent. */
function tampered(mutate: (record: VoteRecord, closed: Closed) => void, options: { rehash?: boolean } = {}): VoteRecord {
  const record = structuredClone(s.record);
  mutate(record, record.entries.at(-1) as Closed);
  return options.rehash === false ? record : rehash(record);
}

function codes(report: Awaited<ReturnType<typeof verify>>): VerificationCode[] {
  return report.checks.filter((c) => !c.ok).map((c) => c.code!);
}

/** A new entry placed just before the vote.closed entry (the chain is re-hashed by `tampered`). */
function insertBeforeClose(record: VoteRecord, kind: ChainEntry['kind'], body: unknown): void {
  record.entries.splice(record.entries.length - 1, 0, { committeeId: record.committeeId, seq: 0, prev: '', kind, body, hash: '' } as ChainEntry);
}
const entryOf = <K extends ChainEntry['kind']>(r: VoteRecord, kind: K) => r.entries.find((e) => e.kind === kind) as Extract<ChainEntry, { kind: K }>;

const sortByHash = (bs: Ballot[]) => bs.sort((a, b) => (ballotHash(a) < ballotHash(b) ? -1 : 1));

describe('verifyRecord on an untouched record', () => {
  it('passes every check and returns the head to pin', async () => {
    const report = await verify(JSON.parse(JSON.stringify(s.record)));
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.head).toEqual(s.record.head);
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
      'tally',
      'tallySignature',
    ]);
    for (const c of report.checks) expect(c.zh.length * c.en.length).toBeGreaterThan(0);
  });

  it('passes with a pinned earlier head', async () => {
    const report = await verify(s.record, { seq: 5, hash: s.record.entries[5]!.hash });
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.id === 'pinnedHead')!.ok).toBe(true);
  });

  it('reports progress while checking tokens', async () => {
    const seen: number[] = [];
    await verifyRecord(s.record, { jwks: s.service.jwks, randomBytes: rnd, onProgress: (p) => seen.push(p.done) });
    expect(seen.at(-1)).toBe(s.ballots.length);
  });
});

describe('tamper matrix: each change fails with its own code', () => {
  const cases: [string, () => VoteRecord | Promise<VoteRecord>, VerificationCode][] = [
    [
      'a flipped byte in an entry (not re-hashed)',
      () => tampered((r) => ((r.entries[1]!.body as { members: { name: string }[] }).members[0]!.name = '委员X'), { rehash: false }),
      'chain_hash',
    ],
    ['an entry dropped from the middle', () => tampered((r) => r.entries.splice(3, 1), { rehash: false }), 'chain_seq'],
    [
      'a changed mark',
      () => tampered((_, c) => (c.body.ballots[0]!.choices.A!.a1 = c.body.ballots[0]!.choices.A!.a1 === 'approve' ? 'disapprove' : 'approve')),
      'tally_mismatch',
    ],
    ['a dropped ballot', () => tampered((_, c) => c.body.ballots.splice(4, 1)), 'tally_mismatch'],
    ['a duplicated ballot', () => tampered((_, c) => c.body.ballots.splice(2, 0, structuredClone(c.body.ballots[2]!))), 'token_reused'],
    ['reordered ballots', () => tampered((_, c) => c.body.ballots.reverse()), 'ballot_order'],
    [
      'an added ballot with a forged token',
      () =>
        tampered((_, c) => {
          const t = seededRandom('forged')(32);
          // A valid G1 point, but not the vote key's signature on H(voteId, t).
          const forged: Ballot = { ...c.body.ballots[0]!, t: toBase64url(t), signature: toBase64url(hashToken('v-1', t)) };
          c.body.ballots.push(forged);
          sortByHash(c.body.ballots);
        }),
      'token_signature_invalid',
    ],
    [
      'an added ballot reusing a spent token with other marks',
      () =>
        tampered((_, c) => {
          const copy = structuredClone(c.body.ballots[0]!);
          copy.choices.A!.a1 = copy.choices.A!.a1 === 'approve' ? 'abstain' : 'approve';
          c.body.ballots.push(copy);
          sortByHash(c.body.ballots);
        }),
      'token_reused',
    ],
    ['a changed count in the tally', () => tampered((_, c) => (c.body.tally.items[0]!.candidates[0]!.approve += 1)), 'tally_mismatch'],
    ['a changed outcome in the tally', () => tampered((_, c) => (c.body.tally.items[0]!.candidates[0]!.outcome = 'not_elected')), 'tally_mismatch'],
    ['a changed 收回 in the tally', () => tampered((_, c) => (c.body.tally.returned -= 1)), 'tally_signature_invalid'],
    [
      'a swapped vote key',
      () =>
        tampered(
          (r) =>
            ((r.entries.find((e) => e.kind === 'vote.created')!.body as { definition: { publicKey: string } }).definition.publicKey = toBase64url(
              generateVoteKey(seededRandom('swap')).publicKey,
            )),
        ),
      'token_signature_invalid',
    ],
    [
      'a vote key that is not a point',
      () =>
        tampered(
          (r) =>
            ((r.entries.find((e) => e.kind === 'vote.created')!.body as { definition: { publicKey: string } }).definition.publicKey = toBase64url(
              new Uint8Array(96),
            )),
        ),
      'vote_key_invalid',
    ],
    ['a dropped issuance', () => tampered((_, c) => c.body.issuances.splice(0, 1)), 'turnout_inconsistent'],
    [
      'a forged issuance signature',
      () => tampered((_, c) => (c.body.issuances[1]!.deviceSignature = c.body.issuances[2]!.deviceSignature)),
      'issuance_signature_invalid',
    ],
    ['an issuance for an absent member', () => tampered((_, c) => (c.body.issuances.at(-1)!.memberId = 'm-11')), 'issuance_member_absent'],
    [
      'an issuance signed by another member’s device',
      () => tampered((_, c) => (c.body.issuances[1]!.deviceFingerprint = c.body.issuances[2]!.deviceFingerprint)),
      'issuance_device_unknown',
    ],
    ['issuances out of member order', () => tampered((_, c) => c.body.issuances.reverse()), 'issuance_order'],
    ['a changed 实到 in the tally', () => tampered((_, c) => (c.body.tally.present = 10)), 'tally_mismatch'],
    [
      'an attendance entry added before the close with one more member',
      () => tampered((r) => insertBeforeClose(r, 'attendance.recorded', { meetingId: 'mt-1', present: [...s.present, 'm-10'].sort(), entitled: 11 })),
      'tally_mismatch',
    ],
    [
      'an attendance entry added before the close without a member who took a token',
      () => tampered((r) => insertBeforeClose(r, 'attendance.recorded', { meetingId: 'mt-1', present: s.present.slice(1), entitled: 11 })),
      'issuance_member_absent',
    ],
    [
      'an attendance entry inserted without re-hashing',
      () =>
        tampered(
          (r) => {
            const att = structuredClone(entryOf(r, 'attendance.recorded'));
            r.entries.splice(r.entries.length - 1, 0, att);
          },
          { rehash: false },
        ),
      'chain_seq',
    ],
    [
      'no attendance for the meeting',
      () => tampered((r) => r.entries.splice(r.entries.indexOf(entryOf(r, 'attendance.recorded')), 1)),
      'attendance_inconsistent',
    ],
    [
      'attendance naming a non-member',
      () => tampered((r) => (entryOf(r, 'attendance.recorded').body.present = [...s.present, 'x-99'])),
      'attendance_inconsistent',
    ],
    ['attendance stating another 应到', () => tampered((r) => (entryOf(r, 'attendance.recorded').body.entitled = 10)), 'attendance_inconsistent'],
    ['a changed 应到 in the vote', () => tampered((r) => (entryOf(r, 'vote.created').body.definition.entitled = 10)), 'attendance_inconsistent'],
    [
      'a roster change while the vote was open',
      () => tampered((r) => insertBeforeClose(r, 'roster.changed', { members: s.members })),
      'attendance_inconsistent',
    ],
    ['attendance below the quorum', () => tampered((r) => (entryOf(r, 'attendance.recorded').body.present = s.present.slice(0, 7))), 'quorum_not_met'],
    [
      'a tally re-signed by another key',
      async () => {
        const rogue = serviceKey('rogue');
        const tally = (s.record.entries.at(-1) as Closed).body.tally;
        const sig = await signTally(tally, await importJWK(rogue.privateJwk, 'EdDSA'), s.service.kid);
        return tampered((_, c) => (c.body.tallySignature = sig));
      },
      'tally_signature_invalid',
    ],
    ['a stated head that is not the last entry', () => tampered((r) => (r.head = { seq: 3, hash: r.entries[3]!.hash }), { rehash: false }), 'chain_head'],
  ];
  for (const [what, make, code] of cases) {
    it(`when the record has ${what} / fails with ${code}`, async () => {
      const report = await verify(JSON.parse(JSON.stringify(await make())));
      expect(report.ok).toBe(false);
      expect(codes(report)).toContain(code);
    });
  }

  it('when the tail is truncated below a pinned head / fails with pinned_head_mismatch', async () => {
    const pin = s.record.head;
    const truncated = tampered((r) => r.entries.pop());
    const report = await verify(truncated, pin);
    expect(codes(report)).toContain('pinned_head_mismatch');
  });

  it('when history below a pinned head is rewritten consistently / fails only with pinned_head_mismatch', async () => {
    const pin = { seq: 1, hash: s.record.entries[1]!.hash };
    const rewritten = tampered((r) => ((r.entries[1]!.body as { members: { name: string }[] }).members[0]!.name = '委员X'));
    const report = await verify(rewritten, pin);
    expect(codes(report)).toEqual(['pinned_head_mismatch']);
  });
});

describe('hostile input', () => {
  for (const [what, input] of [
    ['null', null],
    ['a string', 'record'],
    ['entries that are not entries', { committeeId: 'c-1', voteId: 'v-1', entries: [1, 2], head: { seq: 1, hash: '0'.repeat(64) } }],
    ['a missing head', { committeeId: 'c-1', voteId: 'v-1', entries: s.record.entries }],
  ] as [string, unknown][]) {
    it(`when the record is ${what} / reports record_malformed without throwing`, async () => {
      const report = await verify(input);
      expect(report.ok).toBe(false);
      expect(report.checks[0]).toMatchObject({ id: 'record', ok: false, code: 'record_malformed' });
    });
  }

  it('when the record is for a vote it does not contain / fails with vote_missing', async () => {
    const report = await verify({ ...s.record, voteId: 'v-9' });
    expect(codes(report)).toContain('vote_missing');
  });
});

describe('every check detail in Chinese as well as English', () => {
  const CJK = /[\u4e00-\u9fff]/;
  const expectBothLanguages = (report: Awaited<ReturnType<typeof verify>>) => {
    for (const c of report.checks) {
      expect(c.detail.length, c.id).toBeGreaterThan(0);
      expect(c.detailZh, c.id).toMatch(CJK);
    }
  };

  it('a passing record carries a Chinese detail on every check', async () => {
    const report = await verify(s.record, { seq: 5, hash: s.record.entries[5]!.hash });
    expect(report.ok).toBe(true);
    expectBothLanguages(report);
  });

  it('tampered and malformed records carry a Chinese detail on every check, passed, failed or not checked', async () => {
    const records: unknown[] = [
      tampered((_, c) => c.body.ballots.reverse()),
      tampered((_, c) => c.body.ballots.splice(4, 1)),
      tampered((r) => r.entries.splice(3, 1), { rehash: false }),
      'not a record',
    ];
    for (const record of records) {
      const report = await verify(record);
      expect(report.ok).toBe(false);
      expectBothLanguages(report);
    }
  });

  it('a reused token is named in Chinese with the same ballots as in English', async () => {
    const report = await verify(tampered((_, c) => c.body.ballots.splice(2, 0, structuredClone(c.body.ballots[2]!))));
    const check = report.checks.find((c) => c.id === 'tokensUnique')!;
    expect(check.code).toBe('token_reused');
    expect(check.detail).toBe('ballots 2 and 3 carry the same token');
    expect(check.detailZh).toBe('选票 #2 与选票 #3 使用同一票证');
  });

  it('a changed count in the tally is named by its path in both languages', async () => {
    const approve = (s.record.entries.at(-1) as Closed).body.tally.items[0]!.candidates[0]!.approve;
    const report = await verify(tampered((_, c) => (c.body.tally.items[0]!.candidates[0]!.approve += 1)));
    const check = report.checks.find((c) => c.id === 'tally')!;
    expect(check.code).toBe('tally_mismatch');
    expect(check.detail).toBe(`tally.items.0.candidates.0.approve: recount gives ${approve}, published ${approve + 1}`);
    expect(check.detailZh).toBe(`重新计票与公布的计票结果不一致：tally.items.0.candidates.0.approve：重新计票得 ${approve}，公布为 ${approve + 1}`);
  });
});
