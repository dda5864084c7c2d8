// The version-2 close over HTTP: prepare, members confirm, the secretary seals, the inspectors
// (监票人) countersign, publication. Each refusal has its code and changes nothing; and each
// attack on the close — a ballot minted with the service key, a forged, dropped or replayed
// confirmation or countersignature, inspectors missing from the chain — is caught by the
// service or by the verifier with its own code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, enrolAndLogin, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, meetingWithVote, type CommitteeFixture } from '../helpers/world.ts';
import { approveOnly, cast, closeAndPublish, obtainToken, requestToken, rng } from '../helpers/voting.ts';
import type { ChainEntry, VoteRecord } from '../../src/protocol/chain.ts';
import { ballotHash, type VoteDefinition } from '../../src/protocol/ballot.ts';
import { confirmationMessage, countersignatureMessage, preparedHash, sealHash, type PreparedClose } from '../../src/protocol/close.ts';
import { buildBallot, createTokenRequest, finishToken } from '../../src/protocol/member-ballot.ts';
import { fromBase64url, toBase64url } from '../../src/protocol/encoding.ts';
import { signBlinded } from '../../src/protocol/tokens.ts';
import { sealedBallotText } from '../../src/protocol/ballot-v2.ts';
import { verifyRecord, type VerificationCode } from '../../src/protocol/verifier.ts';
import { openVoteSecret, sealBallot } from '../../src/votes/sealing.ts';
import type { ClosingView } from '../../src/votes/close.ts';
import { rehash } from '../helpers/records.ts';

let service: TestService;
let admin: Session;
let jwks: unknown;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
  jwks = (await new Api(service.url).get('/.well-known/jwks.json')).body;
});
afterAll(async () => service?.close());

const NAMES5 = ['王一', '李二', '张三', '赵四', '钱五'];
type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
const record = async (voteId: string): Promise<VoteRecord> => (await new Api(service.url).get(`/v1/votes/${voteId}/record`)).body;
const failed = async (r: unknown) =>
  (await verifyRecord(r, { jwks: jwks as never, randomBytes: rng })).checks.filter((c) => !c.ok).map((c) => c.code as VerificationCode);
const closingOf = async (s: Session, voteId: string): Promise<ClosingView> => (await s.api.get(`/v1/votes/${voteId}/closing`)).body;
const confirm = async (m: Session, voteId: string, hash: string) =>
  m.api.post(`/v1/votes/${voteId}/confirmations`, { deviceSignature: await m.device.sign(confirmationMessage(voteId, hash)) });
const countersign = async (m: Session, voteId: string, hash: string) =>
  m.api.post(`/v1/votes/${voteId}/countersignatures`, { deviceSignature: await m.device.sign(countersignatureMessage(voteId, hash)) });

/** A committee of five, all present, four take a token and cast; returns the open vote. */
async function castFour(
  name: string,
  beforeTokens?: (c: CommitteeFixture) => Promise<void>,
): Promise<{ c: CommitteeFixture; meetingId: string; def: VoteDefinition }> {
  const world = await meetingWithVote(admin, name, NAMES5);
  await beforeTokens?.(world.c);
  const tokens = [];
  for (const m of world.c.members.slice(0, 4)) tokens.push(await obtainToken(m, world.def));
  await world.c.secretary.api.post(`/v1/votes/${world.def.voteId}/open`);
  for (const [i, t] of tokens.entries()) expect((await cast(service.url, t, approveOnly(world.def, i < 3 ? ['王一'] : []))).status).toBe(201);
  return world;
}

describe('the close in steps', () => {
  let c: CommitteeFixture;
  let meetingId: string;
  let def: VoteDefinition;
  let prepared: string;
  let second: Session;

  beforeAll(async () => {
    // The first member has a second device, enrolled while the vote was a draft with no token out.
    ({ c, meetingId, def } = await castFour('分步结束委员会', async (fixture) => {
      const code = (await admin.api.post(`/v1/people/${fixture.members[0]!.personId}/enrolment-codes`)).body.code;
      second = await enrolAndLogin(new Api(service.url), code);
    }));
  });

  it('prepares on close: casting, tokens and attendance stop, nothing is appended, members see the prepared close', async () => {
    const head = (await new Api(service.url).get(`/v1/votes/${def.voteId}/status`)).body.head;
    const closed = await c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.vote.state).toBe('confirming');
    expect(closed.body.tally).toMatchObject({ issued: 4, returned: 4 });
    prepared = closed.body.preparedHash;
    const view = await closingOf(c.members[0]!, def.voteId);
    expect(preparedHash(view.prepared)).toBe(prepared);
    expect(view).toMatchObject({ state: 'confirming', confirmedBy: [], decision: null, sealHash: null, inspectors: [], countersignedBy: [] });
    expect(view.prepared.by).toBe(c.secretary.personId);
    expect((await new Api(service.url).get(`/v1/votes/${def.voteId}/status`)).body.head).toEqual(head);
    // The fifth member's token comes too late, and so does any ballot.
    const { reply } = await requestToken(c.members[4]!, def.voteId);
    expect([reply.status, reply.body.code]).toEqual([409, 'invalid_state']);
    const attendance = await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.slice(0, 4).map((m) => m.personId) });
    expect([attendance.status, attendance.body.code]).toEqual([409, 'invalid_state']);
    const meetingClose = await c.secretary.api.post(`/v1/meetings/${meetingId}/close`);
    expect([meetingClose.status, meetingClose.body.code]).toEqual([409, 'invalid_state']);
    expect((await new Api(service.url).get(`/v1/votes/${def.voteId}/record`)).status).toBe(409);
  });

  it('takes a confirmation only from the device that took the member’s token, over this prepared close', async () => {
    const noToken = await confirm(c.members[4]!, def.voteId, prepared);
    expect([noToken.status, noToken.body.code]).toEqual([403, 'not_eligible']);
    const wrongHash = await confirm(c.members[0]!, def.voteId, '0'.repeat(64));
    expect([wrongHash.status, wrongHash.body.code]).toEqual([422, 'invalid_signature']);
    // A second device of the same member cannot confirm for the first, and no device can be enrolled now.
    const code = (await admin.api.post(`/v1/people/${c.members[1]!.personId}/enrolment-codes`)).body.code;
    await expect(enrolAndLogin(new Api(service.url), code)).rejects.toThrow(/409.*enrolment_blocked/);
    const other = await confirm(second, def.voteId, prepared);
    expect([other.status, other.body.code]).toEqual([409, 'wrong_device']);
    expect((await closingOf(c.secretary, def.voteId)).confirmedBy).toEqual([]);
    for (const m of c.members.slice(0, 3)) expect((await confirm(m, def.voteId, prepared)).status).toBe(200);
    // Sent again: the same answer, one confirmation.
    expect((await confirm(c.members[0]!, def.voteId, prepared)).body).toEqual({ voteId: def.voteId, confirmed: true });
    expect((await closingOf(c.secretary, def.voteId)).confirmedBy).toEqual(
      c.members
        .slice(0, 3)
        .map((m) => m.personId)
        .sort(),
    );
  });

  it('seals only with inspectors designated and present, and with every ballot confirmed or a recorded reason', async () => {
    const none = await c.secretary.api.post(`/v1/votes/${def.voteId}/seal`, {});
    expect([none.status, none.body.code]).toEqual([409, 'inspectors_missing']);
    const early = await countersign(c.members[0]!, def.voteId, '0'.repeat(64));
    expect([early.status, early.body.code]).toEqual([403, 'forbidden']);
    const designated = await c.secretary.api.put(`/v1/meetings/${meetingId}/inspectors`, { inspectors: [c.members[1]!.personId, c.members[0]!.personId] });
    expect(designated.body.inspectors).toEqual([c.members[0]!.personId, c.members[1]!.personId].sort());
    const notYet = await countersign(c.members[0]!, def.voteId, '0'.repeat(64));
    expect([notYet.status, notYet.body.code]).toEqual([409, 'invalid_state']);
    // Four ballots, three confirmations: the fourth member's phone is off.
    const short = await c.secretary.api.post(`/v1/votes/${def.voteId}/seal`, {});
    expect(short.status).toBe(409);
    expect(short.body).toMatchObject({ code: 'confirmations_missing', ballots: 4, confirmations: 3 });
    expect((await closingOf(c.secretary, def.voteId)).state).toBe('confirming');
    const sealed = await c.secretary.api.post(`/v1/votes/${def.voteId}/seal`, { unconfirmedReason: '赵四手机没电，已当场说明' });
    expect(sealed.status).toBe(200);
    expect(sealed.body).toMatchObject({ state: 'countersigning', decision: { unconfirmed: 1, reason: '赵四手机没电，已当场说明', by: c.secretary.personId } });
    expect(sealed.body.sealHash).toBe(
      sealHash({ voteId: def.voteId, preparedHash: prepared, confirmations: await sealedConfirmations(def.voteId), decision: sealed.body.decision }),
    );
    const late = await confirm(c.members[3]!, def.voteId, prepared);
    expect([late.status, late.body.code]).toEqual([409, 'invalid_state']);
  });

  it('publishes when the last designated inspector countersigns, and the record shows the decision and verifies', async () => {
    const view = await closingOf(c.secretary, def.voteId);
    const stranger = await countersign(c.members[2]!, def.voteId, view.sealHash!);
    expect([stranger.status, stranger.body.code]).toEqual([403, 'forbidden']);
    const bad = await countersign(c.members[0]!, def.voteId, prepared);
    expect([bad.status, bad.body.code]).toEqual([422, 'invalid_signature']);
    const first = await countersign(c.members[0]!, def.voteId, view.sealHash!);
    expect(first.body).toMatchObject({ state: 'countersigning', countersignedBy: [c.members[0]!.personId] });
    const last = await countersign(c.members[1]!, def.voteId, view.sealHash!);
    expect(last.body.state).toBe('closed');
    const r = await record(def.voteId);
    const closed = r.entries.at(-1) as Closed;
    expect(closed.body.decision).toMatchObject({ unconfirmed: 1 });
    expect(closed.body.confirmations).toHaveLength(3);
    expect(closed.body.countersignatures!.map((s) => s.memberId)).toEqual([c.members[0]!.personId, c.members[1]!.personId].sort());
    const report = await verifyRecord(r, { jwks: jwks as never, randomBytes: rng });
    expect(report.checks.filter((x) => !x.ok)).toEqual([]);
    expect(report.checks.find((x) => x.id === 'confirmations')!.detailZh).toContain('由秘书记录在案的决定接受：赵四手机没电');
    // Sent again after publication: the same answers.
    expect((await countersign(c.members[1]!, def.voteId, view.sealHash!)).body.state).toBe('closed');
    expect((await c.secretary.api.post(`/v1/votes/${def.voteId}/seal`, {})).body.state).toBe('closed');
  });
});

async function sealedConfirmations(voteId: string) {
  const rows = await service.ctx.db.query<{ person_id: string; device_fingerprint: string; signature: string }>(
    'SELECT person_id, device_fingerprint, signature FROM vote_confirmations WHERE vote_id = $1 ORDER BY person_id',
    [voteId],
  );
  return rows.map((x) => ({ memberId: x.person_id, deviceFingerprint: x.device_fingerprint, signature: x.signature }));
}

describe('replacing an inspector', () => {
  it('is a chain entry, and a close waiting only for the replaced inspector is published at once', async () => {
    const { c, meetingId, def } = await castFour('更换监票人委员会');
    await c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    const prepared = (await closingOf(c.secretary, def.voteId)).preparedHash;
    for (const m of c.members.slice(0, 4)) await confirm(m, def.voteId, prepared);
    await c.secretary.api.put(`/v1/meetings/${meetingId}/inspectors`, { inspectors: [c.members[0]!.personId, c.members[1]!.personId] });
    const sealed = (await c.secretary.api.post(`/v1/votes/${def.voteId}/seal`, {})).body as ClosingView;
    expect(sealed.decision).toBeNull();
    await countersign(c.members[0]!, def.voteId, sealed.sealHash!);
    await countersign(c.members[2]!, def.voteId, sealed.sealHash!).then((r) => expect(r.status).toBe(403));
    // members[1] cannot sign: the secretary replaces them with members[0] alone, who has signed.
    await c.secretary.api.put(`/v1/meetings/${meetingId}/inspectors`, { inspectors: [c.members[0]!.personId] });
    expect((await closingOf(c.secretary, def.voteId)).state).toBe('closed');
    const r = await record(def.voteId);
    const designations = r.entries.filter((e) => e.kind === 'inspectors.designated');
    expect(designations.map((e) => (e.body as { inspectors: string[] }).inspectors.length)).toEqual([2, 1]);
    expect(await failed(r)).toEqual([]);
  });
});

describe('attacks on the close', () => {
  it('a ballot minted with the service key has nobody to confirm it: the seal is refused, and a record published without a decision fails confirmations_missing', async () => {
    const { c, meetingId, def } = await castFour('伪造选票委员会');
    // The operator holds the service key and the database: the fifth member took no token, so
    // 发出 4 = 收回 4 — take a token in the fifth member's name first, then mint a ballot with it.
    await obtainToken(c.members[4]!, def);
    const secret = openVoteSecret(
      service.ctx.keys,
      def.voteId,
      (await service.ctx.db.query<{ secret_key_sealed: string }>('SELECT secret_key_sealed FROM votes WHERE id = $1', [def.voteId]))[0]!.secret_key_sealed,
    );
    const request = createTokenRequest(def.voteId, rng, 2);
    const token = finishToken(request, toBase64url(signBlinded(secret, fromBase64url(request.blindedPoint))), def.publicKey);
    const minted = buildBallot(token, approveOnly(def, ['王一']));
    await service.ctx.db.query('INSERT INTO ballots (vote_id, token, ballot_hash, ballot, receipt) VALUES ($1, $2, $3, $4, $5)', [
      def.voteId,
      (minted as { ballotPublicKey: string }).ballotPublicKey,
      ballotHash(minted),
      sealBallot(service.ctx.keys, def.voteId, (minted as { ballotPublicKey: string }).ballotPublicKey, sealedBallotText(minted)),
      'minted',
    ]);
    await c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    const prepared = (await closingOf(c.secretary, def.voteId)).preparedHash;
    // Every honest member confirms (their ballots are there); the fifth never cast, so never confirms.
    for (const m of c.members.slice(0, 4)) expect((await confirm(m, def.voteId, prepared)).status).toBe(200);
    await c.secretary.api.put(`/v1/meetings/${meetingId}/inspectors`, { inspectors: [c.members[0]!.personId, c.members[1]!.personId] });
    const seal = await c.secretary.api.post(`/v1/votes/${def.voteId}/seal`, {});
    expect(seal.body).toMatchObject({ code: 'confirmations_missing', ballots: 5, confirmations: 4 });
    // The operator seals in the database without a decision, and fools both inspectors.
    const confirmations = await sealedConfirmations(def.voteId);
    const forgedSeal = sealHash({ voteId: def.voteId, preparedHash: prepared, confirmations, decision: null });
    await service.ctx.db.query("UPDATE votes SET state = 'countersigning', seal_hash = $2 WHERE id = $1", [def.voteId, forgedSeal]);
    for (const m of c.members.slice(0, 2)) await countersign(m, def.voteId, forgedSeal);
    expect(await failed(await record(def.voteId))).toEqual(['confirmations_missing']);
  });

  describe('on a published record, rewritten and re-hashed (the tamperer’s best case)', () => {
    let base: VoteRecord;
    let other: VoteRecord;
    let members: Session[];

    beforeAll(async () => {
      const one = await castFour('篡改签名委员会甲');
      await closeAndPublish(one.c.secretary, one.c.members, one.def.voteId);
      base = await record(one.def.voteId);
      members = one.c.members;
      const two = await castFour('篡改签名委员会乙');
      await closeAndPublish(two.c.secretary, two.c.members, two.def.voteId);
      other = await record(two.def.voteId);
    });

    const tampered = (mutate: (body: Closed['body'], r: VoteRecord) => void): VoteRecord => {
      const r = structuredClone(base);
      mutate((r.entries.at(-1) as Closed).body, r);
      return rehash(r);
    };

    it('passes untouched', async () => {
      expect(await failed(base)).toEqual([]);
    });

    it('a dropped confirmation fails confirmations_missing; a dropped countersignature fails countersignatures_missing', async () => {
      expect(await failed(tampered((b) => b.confirmations!.pop()))).toEqual(['confirmations_missing', 'countersignature_invalid']);
      expect(await failed(tampered((b) => b.countersignatures!.pop()))).toEqual(['countersignatures_missing']);
    });

    it('a forged confirmation or countersignature fails with its code', async () => {
      const garbage = toBase64url(new Uint8Array(64).fill(7));
      expect(await failed(tampered((b) => (b.confirmations![0]!.signature = garbage)))).toEqual(['confirmation_invalid', 'countersignature_invalid']);
      expect(await failed(tampered((b) => (b.countersignatures![0]!.signature = garbage)))).toEqual(['countersignature_invalid']);
      // A countersignature by a member who is not a designated inspector, with a real signature of theirs.
      const outsider = members[3]!;
      const fingerprint = (await service.ctx.db.query<{ fingerprint: string }>('SELECT fingerprint FROM devices WHERE id = $1', [outsider.deviceId]))[0]!
        .fingerprint;
      const closed = base.entries.at(-1) as Closed;
      const seal = sealHash({
        voteId: base.voteId,
        preparedHash: preparedHash(closed.body as PreparedClose),
        confirmations: closed.body.confirmations!,
        decision: null,
      });
      const signature = await outsider.device.sign(countersignatureMessage(base.voteId, seal));
      expect(
        await failed(
          tampered(
            (b) =>
              (b.countersignatures = [...b.countersignatures!, { memberId: outsider.personId, deviceFingerprint: fingerprint, signature }].sort((x, y) =>
                x.memberId < y.memberId ? -1 : 1,
              )),
          ),
        ),
      ).toEqual(['countersignature_invalid']);
    });

    it('a confirmation or countersignature replayed from another vote fails with its code', async () => {
      const from = (other.entries.at(-1) as Closed).body;
      expect(await failed(tampered((b) => (b.confirmations![0]!.signature = from.confirmations![0]!.signature)))).toEqual([
        'confirmation_invalid',
        'countersignature_invalid',
      ]);
      expect(await failed(tampered((b) => (b.countersignatures![0]!.signature = from.countersignatures![0]!.signature)))).toEqual(['countersignature_invalid']);
    });

    it('inspectors missing from the chain fail inspectors_missing; a decision by someone not a secretary fails actor_not_secretary', async () => {
      expect(
        await failed(
          tampered((_, r) =>
            r.entries.splice(
              r.entries.findIndex((e) => e.kind === 'inspectors.designated'),
              1,
            ),
          ),
        ),
      ).toEqual(['inspectors_missing']);
      // A decision slipped in after the inspectors signed breaks their signatures; its author must be a secretary too.
      expect(await failed(tampered((b) => (b.decision = { unconfirmed: 1, reason: '补录', by: members[0]!.personId })))).toEqual([
        'actor_not_secretary',
        'decision_invalid',
        'countersignature_invalid',
      ]);
    });

    it('a ballot added to the published close (service key, recounted) fails: nobody confirmed it', async () => {
      const minted = structuredClone((base.entries.at(-1) as Closed).body.ballots[0]!);
      const r = tampered((b) => b.ballots.push(minted));
      const codes = await failed(r);
      expect(codes).toContain('token_reused');
      expect(codes).toContain('confirmation_invalid');
    });
  });
});
