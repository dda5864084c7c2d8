// The verifier on votes of a meeting of participants holding slips (issue 15): a record built
// with the protocol functions alone verifies, without the members' attendance and quorum; and
// each way an operator could stuff the count — ballots beyond tokens, tokens beyond slips, slips
// beyond 应到, a repeated or invalid blinded point, slip tokens in a committee vote — fails the
// participation check with its own code.
import { describe, expect, it } from 'vitest';
import type { AnyChoices } from '../../src/protocol/ballot.ts';
import { makeEntry, type ChainEntry, type VoteRecord } from '../../src/protocol/chain.ts';
import type { RecommendationItem } from '../../src/protocol/shapes.ts';
import { createTokenRequest } from '../../src/protocol/member-ballot.ts';
import { verifyRecord, type VerificationCode, type VerificationReport } from '../../src/protocol/verifier.ts';
import { checkParticipation, participationOf } from '../../src/protocol/verify/participation.ts';
import { marked } from '../helpers/protocol-ballots.ts';
import { rehash } from '../helpers/records.ts';
import { buildScenario, SCENARIO_SECRETARY } from '../../testkit/protocol-scenario.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

const rnd = seededRandom('verifier-participation');
type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
type Created = Extract<ChainEntry, { kind: 'vote.created' }>;
const verify = (record: unknown, jwks: Parameters<typeof verifyRecord>[1]['jwks']) => verifyRecord(record, { jwks, randomBytes: rnd });
const failed = (r: VerificationReport) => r.checks.filter((c) => !c.ok).map((c) => c.code as VerificationCode);
const codeOf = (r: VerificationReport, id: string) => r.checks.find((c) => c.id === id)?.code;
const closedOf = (record: VoteRecord) => record.entries.at(-1) as Closed;

const REC: RecommendationItem = {
  itemId: 'R',
  shape: 'recommendation',
  post: '县直单位副科级领导职务',
  maxMarks: 2,
  threshold: { comparison: 'more_than', num: 1, den: 2 },
  candidates: ['王芳', '李强', '张伟'].map((name, i) => ({ candidateId: `n${i + 1}`, name })),
};
const choices = (i: number): AnyChoices => ({ R: marked(REC, [['n1'], ['n1', 'n2'], []][i % 3]!) });
// Eight slips issued, five participants take a token and cast; two committee members (the
// inspectors) recorded present out of five.
const s = await buildScenario('verifier-participation', { version: 2, memberCount: 5, presentCount: 2, voters: 5, slips: 8, items: [REC], choices });

describe('a record of a meeting of participants holding slips', () => {
  it('verifies; the participation check states 收回 ≤ 发出 ≤ slips issued and the committee quorum does not apply', async () => {
    const report = await verify(s.record, s.service.jwks);
    expect(failed(report)).toEqual([]);
    expect(report.checks.find((c) => c.id === 'participation')).toMatchObject({ ok: true });
    expect(report.tally).toMatchObject({ entitled: 8, present: 8, issued: 5, returned: 5 });
    // 2 of 5 members present would fail a committee quorum of 2/3.
    expect(report.checks.find((c) => c.id === 'attendance')?.ok).toBe(true);
  });

  it('leaves the participation check out of a committee vote’s report', async () => {
    const committee = await buildScenario('verifier-participation/committee', { version: 2, memberCount: 5, presentCount: 4 });
    const report = await verify(committee.record, committee.service.jwks);
    expect(failed(report)).toEqual([]);
    expect(report.checks.map((c) => c.id)).not.toContain('participation');
  });

  it('fails ballots_exceed_tokens when a slip token is dropped from the close', async () => {
    const record = structuredClone(s.record);
    closedOf(record).body.slipTokens!.pop();
    const report = await verify(rehash(record), s.service.jwks);
    expect(codeOf(report, 'participation')).toBe('ballots_exceed_tokens');
  });

  it('fails tokens_exceed_slips when the slips issued are lowered below the tokens', async () => {
    const record = structuredClone(s.record);
    const slips = record.entries.find((e) => e.kind === 'slips.issued')!;
    if (slips.kind !== 'slips.issued') throw new Error('no slips.issued');
    slips.body.issued = 4;
    expect(codeOf(await verify(rehash(record), s.service.jwks), 'participation')).toBe('tokens_exceed_slips');
  });

  it('fails slips_exceed_entitled when more slips are issued than 应到', async () => {
    const record = structuredClone(s.record);
    (record.entries.find((e) => e.kind === 'vote.created') as Created).body.definition.entitled = 7;
    expect(codeOf(await verify(rehash(record), s.service.jwks), 'participation')).toBe('slips_exceed_entitled');
  });

  it('fails slip_token_order when a blinded point is listed twice', async () => {
    const record = structuredClone(s.record);
    const tokens = closedOf(record).body.slipTokens!;
    tokens[1] = tokens[0]!;
    expect(codeOf(await verify(rehash(record), s.service.jwks), 'participation')).toBe('slip_token_order');
  });

  it('fails slip_meeting_mismatch for member issuances in a slips meeting, and slip tokens in a committee vote', async () => {
    const committee = await buildScenario('verifier-participation/committee', { version: 2, memberCount: 5, presentCount: 4 });
    const record = structuredClone(committee.record);
    closedOf(record).body.slipTokens = [];
    expect(codeOf(await verify(rehash(record), committee.service.jwks), 'participation')).toBe('slip_meeting_mismatch');

    const slipsRecord = structuredClone(s.record);
    const { slipTokens: _, ...withoutTokens } = closedOf(slipsRecord).body;
    closedOf(slipsRecord).body = withoutTokens;
    expect(codeOf(await verify(rehash(slipsRecord), s.service.jwks), 'participation')).toBe('slip_meeting_mismatch');
  });

  it('fails slip_token_invalid for a point that is not a valid G1 point (checkParticipation alone)', async () => {
    const closed = structuredClone(closedOf(s.record));
    const created = s.record.entries.find((e) => e.kind === 'vote.created') as Created;
    const point = createTokenRequest('v-1', rnd).blindedPoint;
    // Flip the last byte: still 48 bytes, almost surely off the curve.
    const bytes = Buffer.from(point, 'base64url');
    bytes[47] = bytes[47]! ^ 1;
    closed.body.slipTokens = [bytes.toString('base64url')];
    const p = participationOf(s.record.entries, s.definition, created, closed);
    expect(await checkParticipation(p, { definition: s.definition, closed, returned: 0 })).toMatchObject({ ok: false, code: 'slip_token_invalid' });
  });

  it('fails actor_not_secretary when slips are issued by someone not a secretary', async () => {
    const record = structuredClone(s.record);
    const slips = record.entries.find((e) => e.kind === 'slips.issued')!;
    if (slips.kind !== 'slips.issued') throw new Error('no slips.issued');
    slips.body.by = 'p-stranger';
    expect(codeOf(await verify(rehash(record), s.service.jwks), 'authority')).toBe('actor_not_secretary');
  });

  it('reads slips issued after the vote opened as its 实到, but a meeting that issued none before it is not a meeting of participants', () => {
    const created = s.record.entries.find((e) => e.kind === 'vote.created') as Created;
    const closed = closedOf(s.record);
    const later = makeEntry(closed, s.committeeId, 'slips.issued', { meetingId: 'mt-1', issued: 9, by: SCENARIO_SECRETARY });
    const entries = [...s.record.entries.slice(0, -1), { ...later, seq: closed.seq }, { ...closed, seq: closed.seq + 1 }] as ChainEntry[];
    const p = participationOf(entries, s.definition, created, { ...closed, seq: closed.seq + 1 });
    expect([p.slipsMeeting, p.slipsIssued]).toEqual([true, 9]);
    const none = participationOf(
      s.record.entries.filter((e) => e.kind !== 'slips.issued'),
      s.definition,
      created,
      closed,
    );
    expect(none.slipsMeeting).toBe(false);
  });
});
