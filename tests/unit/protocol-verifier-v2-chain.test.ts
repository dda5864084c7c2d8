// The verifier's version 2 checks (rules, authority, late devices, blinded points) and the points
// where a second, independent verifier read PROTOCOL.md differently — each now settled in the
// document and here.
import { CompactSign, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';
import { makeEntry, type ChainEntry, type VoteRecord } from '../../src/protocol/chain.ts';
import { canonicalBytes, toBase64url } from '../../src/protocol/encoding.ts';
import { signTally } from '../../src/protocol/receipt.ts';
import { computeTally } from '../../src/protocol/tally.ts';
import { verifyRecord, type VerificationCode } from '../../src/protocol/verifier.ts';
import { buildScenario, SCENARIO_ADMIN, type Scenario } from '../../testkit/protocol-scenario.ts';
import { rehash } from '../helpers/records.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

let v1: Scenario;
let v2: Scenario;
beforeAll(async () => {
  v1 = await buildScenario('verifier-v1', { memberCount: 6, presentCount: 5 });
  v2 = await buildScenario('verifier-v2', { memberCount: 6, presentCount: 5, version: 2 });
});

/** What a changed close also breaks in version 2: the signatures over the prepared and sealed close. */
const CLOSE_SIGNATURES: VerificationCode[] = ['confirmation_invalid', 'countersignature_invalid'];

type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
const closedOf = (r: VoteRecord) => r.entries.find((e) => e.kind === 'vote.closed') as Closed;
const definitionOf = (r: VoteRecord) => (r.entries.find((e) => e.kind === 'vote.created')!.body as { definition: VoteDefinition }).definition;

async function report(s: Scenario, record: unknown) {
  return verifyRecord(record, { jwks: s.service.jwks, randomBytes: seededRandom('coefficients') });
}
async function failures(s: Scenario, record: unknown): Promise<VerificationCode[]> {
  return (await report(s, record)).checks.filter((c) => !c.ok).map((c) => c.code!);
}

/** A copy of the scenario's record changed by `mutate`, re-hashed, with the tally recounted and re-signed when asked. */
async function tampered(s: Scenario, mutate: (r: VoteRecord) => void, options: { recount?: boolean } = {}): Promise<VoteRecord> {
  const r = structuredClone(s.record);
  mutate(r);
  if (options.recount) {
    const closed = closedOf(r);
    const attendance = r.entries.filter((e) => e.kind === 'attendance.recorded').at(-1)!.body as { present: string[] };
    closed.body.tally = computeTally(definitionOf(r), closed.body.ballots, { issued: closed.body.issuances.length, present: attendance.present.length });
    closed.body.tallySignature = await signTally(closed.body.tally, await importJWK(s.service.privateJwk, 'EdDSA'), s.service.kid);
  }
  return rehash(r);
}

describe('version 2 records', () => {
  it('pass every check, rules and authority included', async () => {
    const rep = await report(v2, v2.record);
    expect(rep.checks.filter((c) => !c.ok)).toEqual([]);
    expect(rep.checks.find((c) => c.id === 'authority')!.detail).toMatch(/secretary p-secretary/);
  });

  it('fail rules that differ from the committee’s with rules_mismatch', async () => {
    const r = await tampered(v2, (r) => (definitionOf(r).rules = { ...definitionOf(r).rules, majorityBase: 'present' }), { recount: true });
    // The recount changed the tally: the members' confirmations and the inspectors' countersignatures no longer match it either.
    expect(await failures(v2, r)).toEqual(['rules_mismatch', ...CLOSE_SIGNATURES]);
    const marks = await tampered(v2, (r) => (definitionOf(r).marks = ['approve', 'disapprove', 'abstain', 'defer']), { recount: true });
    // Another mark offered leaves the tally, and so the close's signatures, as they were.
    expect(await failures(v2, marks)).toEqual(['rules_mismatch']);
  });

  it('fail a differential item below the committee’s ratio with candidate_ratio_too_low, unless the vote is a run-off', async () => {
    const ratio = (r: VoteRecord) => {
      (r.entries[0]!.body as { rules: { minCandidateRatio: number } }).rules.minCandidateRatio = 2;
      definitionOf(r).rules.minCandidateRatio = 2;
    };
    expect(await failures(v2, await tampered(v2, ratio))).toEqual(['candidate_ratio_too_low']);
    // Claimed to be a run-off of a vote that is not in the chain: the claim itself fails.
    expect(await failures(v2, await tampered(v2, (r) => (ratio(r), (definitionOf(r).runoffOf = 'v-0'))))).toEqual(['runoff_invalid']);
  });

  it('fail candidates out of stroke order with candidate_order', async () => {
    const r = await tampered(v2, (r) => definitionOf(r).items[1]!.candidates.reverse(), { recount: true });
    expect(await failures(v2, r)).toEqual(['candidate_order', ...CLOSE_SIGNATURES]);
  });

  it('fail a vote created by someone the chain does not show as secretary with actor_not_secretary', async () => {
    const r = await tampered(v2, (r) => ((r.entries.find((e) => e.kind === 'vote.created')!.body as { by: string }).by = SCENARIO_ADMIN));
    expect(await failures(v2, r)).toEqual(['actor_not_secretary']);
    const noAppointment = await tampered(v2, (r) =>
      r.entries.splice(
        r.entries.findIndex((e) => e.kind === 'secretary.appointed'),
        1,
      ),
    );
    expect(await failures(v2, noAppointment)).toEqual(['actor_not_secretary']);
    const attendanceBy = await tampered(v2, (r) => delete (r.entries.find((e) => e.kind === 'attendance.recorded')!.body as { by?: string }).by);
    expect(await failures(v2, attendanceBy)).toEqual(['actor_not_secretary']);
  });

  it('fail an appointment by someone not an administrator on the chain with grant_unauthorised', async () => {
    const r = await tampered(v2, (r) => ((r.entries.find((e) => e.kind === 'secretary.appointed')!.body as { by: string }).by = 'p-intruder'));
    expect(await failures(v2, r)).toEqual(['grant_unauthorised']);
  });

  it('fail an issuance by a device enrolled after the vote was created with issuance_device_late; version 1 did not check it', async () => {
    const late = (r: VoteRecord) => {
      const at = r.entries.findIndex((e) => e.kind === 'device.enrolled');
      const [entry] = r.entries.splice(at, 1);
      r.entries.splice(r.entries.findIndex((e) => e.kind === 'vote.created') + 1, 0, entry!);
    };
    expect(await failures(v2, await tampered(v2, late))).toEqual(['issuance_device_late']);
    expect(await failures(v1, await tampered(v1, late))).toEqual([]);
  });
});

describe('settled points of the specification', () => {
  it('version 1 records still verify, rules checked against the committee’s', async () => {
    expect(await failures(v1, v1.record)).toEqual([]);
    expect(
      await failures(v1, await tampered(v1, (r) => (definitionOf(r).rules = { ...definitionOf(r).rules, majorityBase: 'present' }), { recount: true })),
    ).toEqual(['rules_mismatch']);
  });

  it('a roster not sorted by memberId is record_malformed', async () => {
    const r = await tampered(v1, (r) => (r.entries.find((e) => e.kind === 'roster.changed')!.body as { members: unknown[] }).members.reverse());
    // The record check failed before a version could be read: every later check is listed, the
    // version-2 ballotSignatures, confirmations and countersignatures checks included.
    expect(await failures(v1, r)).toEqual(['record_malformed', ...Array(16).fill('not_checked')]);
  });

  it('extra members of head or of the record (a jwks copy included) are record_malformed', async () => {
    expect((await failures(v1, { ...v1.record, head: { ...v1.record.head, at: 'now' } }))[0]).toBe('record_malformed');
    expect((await failures(v1, { ...v1.record, jwks: v1.service.jwks }))[0]).toBe('record_malformed');
  });

  it('a JWS protected header with members other than alg, kid and typ is tally_signature_invalid', async () => {
    const key = await importJWK(v1.service.privateJwk, 'EdDSA');
    for (const extra of [{ x5u: 'https://keys.example/k' }, { crit: ['b64'], b64: true }, { cty: 'json' }]) {
      const r = await tampered(v1, () => undefined);
      const closed = closedOf(r);
      closed.body.tallySignature = await new CompactSign(canonicalBytes(closed.body.tally))
        .setProtectedHeader({ alg: 'EdDSA', kid: v1.service.kid, typ: 'piaojue-tally+jws', ...extra })
        .sign(key);
      expect(await failures(v1, rehash(r))).toEqual(['tally_signature_invalid']);
    }
  });

  it('member names are 1–64 UTF-16 code units', async () => {
    const named = (name: string) =>
      tampered(v1, (r) => ((r.entries.find((e) => e.kind === 'roster.changed')!.body as { members: { name: string }[] }).members[0]!.name = name));
    expect(await failures(v1, await named('名'.repeat(64)))).toEqual([]);
    expect((await failures(v1, await named('名'.repeat(65))))[0]).toBe('record_malformed');
  });

  it('a lone surrogate anywhere in an entry fails the record check with record_malformed', async () => {
    const r = structuredClone(v1.record);
    (r.entries.find((e) => e.kind === 'roster.changed')!.body as { members: { name: string }[] }).members[0]!.name = '委员\ud800';
    const rep = await report(v1, r);
    expect(rep.checks[0]).toMatchObject({ id: 'record', ok: false, code: 'record_malformed' });
    expect(rep.checks[0]!.detail).toMatch(/canonical/);
  });

  it('a vote key of the wrong length is record_malformed; 96 bytes that are not a G2 point are vote_key_invalid', async () => {
    const short = await tampered(v1, (r) => (definitionOf(r).publicKey = toBase64url(new Uint8Array(95).fill(1))));
    expect((await report(v1, short)).checks[0]).toMatchObject({ id: 'record', code: 'record_malformed' });
    const identity = new Uint8Array(96);
    identity[0] = 0xc0;
    const bad = await tampered(v1, (r) => (definitionOf(r).publicKey = toBase64url(identity)));
    expect((await report(v1, bad)).checks.find((c) => c.id === 'vote')!.code).toBe('vote_key_invalid');
  });

  it('two vote.created, or two vote.closed, entries for the vote are vote_duplicate', async () => {
    const twoCreated = await tampered(v1, (r) =>
      r.entries.splice(
        r.entries.findIndex((e) => e.kind === 'vote.created'),
        0,
        structuredClone(r.entries.find((e) => e.kind === 'vote.created')!),
      ),
    );
    expect((await failures(v1, twoCreated))[0]).toBe('vote_duplicate');
    const twoClosed = await tampered(v1, (r) => r.entries.push(structuredClone(closedOf(r))));
    expect((await failures(v1, twoClosed))[0]).toBe('vote_duplicate');
  });

  it('an entry after the vote’s vote.closed is entries_after_close', async () => {
    const r = await tampered(v1, (r) => r.entries.push(makeEntry(r.entries.at(-1)!, r.committeeId, 'admin.granted', { personId: 'p-late' })));
    expect(await failures(v1, r)).toEqual(['entries_after_close', ...Array(11).fill('not_checked')]);
  });

  it('marks not_checked exactly the documented dependants of a failed check', async () => {
    // record → every other check; vote → every check after it.
    const noVote = await report(v1, { ...v1.record, voteId: 'v-none' });
    expect(noVote.checks.filter((c) => c.code === 'not_checked').map((c) => c.id)).toEqual([
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
    // ballots → tally only.
    const badBallot = await tampered(v1, (r) => ((closedOf(r).body.ballots[0] as { choices: unknown }).choices = {}));
    const rep = await report(v1, badBallot);
    expect(rep.checks.filter((c) => c.code === 'not_checked').map((c) => c.id)).toEqual(['tally']);
    // chain → nothing: every other check still runs on the entries as given.
    const flipped = structuredClone(v1.record);
    (flipped.entries[0]!.body as { name: string }).name = '另一个委员会';
    expect((await report(v1, flipped)).checks.filter((c) => !c.ok).map((c) => [c.id, c.code])).toEqual([['chain', 'chain_hash']]);
  });
});

describe('issuance blinded points', () => {
  const withPoint = (i: number, point: Uint8Array | ((r: VoteRecord) => string)) =>
    tampered(v1, (r) => (closedOf(r).body.issuances[i]!.blindedPoint = typeof point === 'function' ? point(r) : toBase64url(point)));

  it('fail the identity point with issuance_point_invalid', async () => {
    const identity = new Uint8Array(48);
    identity[0] = 0xc0;
    expect(await failures(v1, await withPoint(1, identity))).toEqual(['issuance_point_invalid']);
  });

  it('fail an x that is not on the curve with issuance_point_invalid', async () => {
    const off = new Uint8Array(48);
    off[0] = 0x80;
    off[47] = 5; // x = 5: 5³ + 4 = 129 is not a square mod p
    expect(await failures(v1, await withPoint(2, off))).toEqual(['issuance_point_invalid']);
  });

  it('fail a point listed twice with issuance_point_reused', async () => {
    expect(await failures(v1, await withPoint(3, (r) => closedOf(r).body.issuances[0]!.blindedPoint))).toEqual(['issuance_point_reused']);
  });
});
