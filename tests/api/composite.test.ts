// 三元测评 over HTTP (issue 15): three evaluation votes of one committee, each at its own meeting
// of participants holding slips, combined by the secretary with weights 30/40/30 into a
// `composite.published` entry that an observer recomputes from the chain and the three records.
// Refusals have their codes; an operator who rewrites the chain (a weight, a source's result, a
// source that is not closed or is another committee's, a publisher who is not secretary) is
// caught by verifyCompositeOnChain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, type CommitteeFixture } from '../helpers/world.ts';
import { castBallot, closeAndPublish, rng } from '../helpers/voting.ts';
import { rehash } from '../helpers/records.ts';
import { obtainSlipToken, redeemSlip } from '../../src/client/participant.ts';
import type { AnyVoteDefinition } from '../../src/protocol/ballot.ts';
import type { ChainEntry, VoteRecord } from '../../src/protocol/chain.ts';
import { computeComposite, type CompositeBody } from '../../src/protocol/composite.ts';
import { buildBallot } from '../../src/protocol/member-ballot.ts';
import type { EvaluationItem, EvaluationTally } from '../../src/protocol/shapes.ts';
import { verifyRecord, type VerificationReport } from '../../src/protocol/verifier.ts';
import { verifyCompositeOnChain, type VerifiedSource } from '../../src/protocol/verify/composite.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import { EXIT_OK, runVerify } from '../../src/cli/verify.ts';

let service: TestService;
let c: CommitteeFixture;
let other: CommitteeFixture;
let jwks: unknown;
const anon = () => new Api(service.url);

const CADRES = ['王芳', '李强', '张伟'];
const SOURCES = ['单位干部群众测评', '全县领导干部会议述职测评', '分管战线领导综合测评'];

type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
type Composite = Extract<ChainEntry, { kind: 'composite.published' }>;
interface Chain {
  committeeId: string;
  head: { seq: number; hash: string };
  entries: ChainEntry[];
}

/** A meeting of participants with one evaluation vote, opened; `open: false` leaves the vote a draft. */
async function evaluationVote(
  committee: CommitteeFixture,
  title: string,
  cadres = CADRES,
  open = true,
  slips = 3,
  item: unknown = { shape: 'evaluation', title: `${title}（2026 年度）`, candidates: cadres },
): Promise<{ def: AnyVoteDefinition; meetingId: string; codes: string[] }> {
  const meetingId = (await committee.secretary.api.post(`/v1/committees/${committee.id}/meetings`, { title, kind: 'slips', entitled: slips })).body.id;
  const v = await committee.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title, items: [item] });
  expect(v.status).toBe(201);
  if (!open) return { def: v.body.definition, meetingId, codes: [] };
  expect((await committee.secretary.api.post(`/v1/meetings/${meetingId}/open`)).status).toBe(200);
  const codes = (await committee.secretary.api.post(`/v1/meetings/${meetingId}/slips`, { count: slips })).body.slips.map((s: { code: string }) => s.code);
  expect((await committee.secretary.api.post(`/v1/votes/${v.body.id}/open`)).status).toBe(200);
  expect((await committee.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: [committee.members[0]!.personId] })).status).toBe(200);
  return { def: v.body.definition, meetingId, codes };
}

/** Runs an evaluation (or the shaped item given): one ballot per row of marks (one per candidate, in the list's order), then the close. */
async function runEvaluation(title: string, ballots: string[][], shaped?: unknown): Promise<string> {
  const { def, codes } = await evaluationVote(c, title, CADRES, true, ballots.length, shaped);
  const item = def.items[0] as EvaluationItem;
  for (const [i, grades] of ballots.entries()) {
    const credential = (await redeemSlip(anon(), codes[i]!)).body.credential;
    const token = await obtainSlipToken(new Api(service.url, credential), def);
    const cells = Object.fromEntries(item.candidates.map((x, k) => [x.candidateId, grades[k]!]));
    expect((await castBallot(service.url, buildBallot(token, { [item.itemId]: cells }))).status).toBe(201);
  }
  const closed = await closeAndPublish(c.secretary, [c.members[0]!], def.voteId, {
    inspectors: [c.members[0]!],
    unconfirmedReason: '凭条参会者无登记设备，不作确认',
  });
  expect(closed.status).toBe(200);
  return def.voteId;
}

const votes: string[] = [];
let openVoteId: string;
let recommendationVoteId: string;
let otherCadresVoteId: string;
let foreignVoteId: string;
let published: { compositeId: string; seq: number; hash: string; body: CompositeBody };
let chain: Chain;

beforeAll(async () => {
  service = await startTestService();
  const admin = await adminSession(service);
  jwks = (await anon().get('/.well-known/jwks.json')).body;
  c = await createCommittee(admin, '县委组织部干部考察委员会', ['王一', '李二', '张三']);
  other = await createCommittee(admin, '乙县委常委会', ['赵四', '钱五', '孙六']);
  votes.push(
    await runEvaluation(SOURCES[0]!, [
      ['excellent', 'competent', 'adequate'],
      ['excellent', 'excellent', 'inadequate'],
      ['competent', 'abstain', 'adequate'],
    ]),
  );
  votes.push(
    await runEvaluation(SOURCES[1]!, [
      ['excellent', 'competent', 'competent'],
      ['competent', 'competent', 'inadequate'],
    ]),
  );
  votes.push(
    await runEvaluation(SOURCES[2]!, [
      ['excellent', 'excellent', 'adequate'],
      ['excellent', 'competent', 'adequate'],
      ['competent', 'competent', 'competent'],
    ]),
  );
  recommendationVoteId = await runEvaluation('民主推荐', [['recommend', 'blank', 'blank']], {
    shape: 'recommendation',
    post: '副局长',
    maxMarks: 1,
    candidates: CADRES,
  });
  otherCadresVoteId = await runEvaluation('另一名单的测评', [['excellent', 'competent', 'adequate']], {
    shape: 'evaluation',
    title: '另一名单',
    candidates: ['王芳', '李强', '赵六'],
  });
  openVoteId = (await evaluationVote(c, '未结束的测评')).def.voteId;
  foreignVoteId = (await evaluationVote(other, '乙县测评', CADRES, false)).def.voteId;
}, 120_000);
afterAll(async () => service?.close());

const body = (weights: number[], ids: string[] = votes) => ({
  title: '2026 年度科级领导干部三元测评',
  sources: ids.map((voteId, i) => ({ label: SOURCES[i] ?? `来源${i}`, voteId, weight: weights[i]! })),
});

/** The observer's inputs: each source's record cut from the chain at its close, verified. */
async function sourcesFrom(ch: Chain, composite: CompositeBody): Promise<(VerifiedSource & { report: VerificationReport })[]> {
  return Promise.all(
    composite.sources.map(async (s) => {
      const entries = ch.entries.slice(0, s.head.seq + 1);
      const last = entries.at(-1)!;
      const record: VoteRecord = { committeeId: ch.committeeId, voteId: s.voteId, entries, head: { seq: last.seq, hash: last.hash } };
      return { record, report: await verifyRecord(record, { jwks: jwks as never, randomBytes: rng }) };
    }),
  );
}

async function refusal(ch: Chain, seq: number): Promise<string | undefined> {
  const composite = (ch.entries[seq] as Composite).body;
  try {
    verifyCompositeOnChain(ch.entries, seq, await sourcesFrom(ch, composite));
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
  return undefined;
}

describe('a 三元测评 composite published by the secretary', () => {
  it('publishes the composite of three closed evaluations, 30/40/30, as a chain entry naming the secretary', async () => {
    const r = await c.secretary.api.post(`/v1/committees/${c.id}/composites`, { ...body([30, 40, 30]) });
    expect(r.status).toBe(201);
    published = r.body;
    expect(published.body.by).toBe(c.secretary.personId);
    expect(published.body.sources.map((s) => [s.label, s.voteId, s.weight, s.committeeId])).toEqual(
      SOURCES.map((l, i) => [l, votes[i], [30, 40, 30][i], c.id]),
    );
    const tallies = await Promise.all(votes.map(async (id) => (await anon().get(`/v1/votes/${id}/tally`)).body.tally.shaped[0] as EvaluationTally));
    expect(published.body.cadres).toEqual(computeComposite(published.body, tallies));
    // 王芳: 优秀 2/3, 1/2, 2/3 → 0.3·2/3 + 0.4·1/2 + 0.3·2/3 = 60 %.
    expect(published.body.cadres[0]).toMatchObject({ name: '王芳', excellent: { percent: '60.00' }, competentOrBetter: { percent: '100.00' } });
    const list = await anon().get(`/v1/committees/${c.id}/composites`);
    expect(list.body.composites).toEqual([published].map((x) => ({ ...x, committeeId: c.id })));
    const one = await anon().get(`/v1/committees/${c.id}/composites/${published.compositeId}`);
    expect(one.body).toEqual({ ...published, committeeId: c.id });
  });

  it('passes the observer’s check over the chain and the three records read over HTTP', async () => {
    chain = (await anon().get(`/v1/committees/${c.id}/chain`)).body;
    const sources = await Promise.all(
      votes.map(async (id) => {
        const record = (await anon().get(`/v1/votes/${id}/record`)).body;
        return { record, report: await verifyRecord(record, { jwks: jwks as never, randomBytes: rng }) };
      }),
    );
    expect(sources.map((s) => s.report.ok)).toEqual([true, true, true]);
    expect(verifyCompositeOnChain(chain.entries, published.seq, sources).cadres).toEqual(published.body.cadres);
    expect(await refusal(chain, published.seq)).toBeUndefined();
  });

  it('passes `piaojue verify --url --committee --composite`, which prints the composite table', async () => {
    let out = '';
    const code = await runVerify(
      { url: service.url, committee: c.id, composite: published.compositeId },
      { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true } },
    );
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('  姓名  综合优秀率  综合称职以上率  综合不称职率  综合得分');
    expect(out).toContain('  王芳  60.00%  100.00%');
    expect(out).toContain('✓ 综合测评与按哈希链和三个测评记录重新计算的结果一致');
  });

  it('refuses weights not summing to 100, other cadres, an open vote, another committee’s vote, a recommendation, a vote twice, and a non-secretary', async () => {
    const post = (b: unknown) => c.secretary.api.post(`/v1/committees/${c.id}/composites`, b);
    const weights = await post(body([30, 40, 20]));
    expect([weights.status, weights.body.code]).toEqual([422, 'invalid_composite']);
    const open = await post(body([30, 40, 30], [votes[0]!, votes[1]!, openVoteId]));
    expect([open.status, open.body.code]).toEqual([409, 'composite_source_not_closed']);
    const foreign = await post(body([30, 40, 30], [votes[0]!, foreignVoteId, votes[2]!]));
    expect([foreign.status, foreign.body.code]).toEqual([422, 'composite_source_foreign']);
    const recommendation = await post(body([30, 40, 30], [votes[0]!, votes[1]!, recommendationVoteId]));
    expect([recommendation.status, recommendation.body.code]).toEqual([422, 'composite_source_not_evaluation']);
    const cadres = await post(body([30, 40, 30], [votes[0]!, votes[1]!, otherCadresVoteId]));
    expect([cadres.status, cadres.body.code]).toEqual([422, 'invalid_composite']);
    const twice = await post(body([30, 40, 30], [votes[0]!, votes[0]!, votes[2]!]));
    expect([twice.status, twice.body.code]).toEqual([422, 'invalid_composite']);
    const member = await c.members[0]!.api.post(`/v1/committees/${c.id}/composites`, body([30, 40, 30]));
    expect([member.status, member.body.code]).toEqual([403, 'forbidden']);
    const entries = (await anon().get(`/v1/committees/${c.id}/composites`)).body.composites;
    expect(entries).toHaveLength(1);
  });

  it('refuses a second composite over a source already combined, even with other weights, naming the first (409 composite_source_used)', async () => {
    const head = (await anon().get(`/v1/committees/${c.id}/chain`)).body.head;
    const post = (b: unknown) => c.secretary.api.post(`/v1/committees/${c.id}/composites`, b);
    // The same request again (a retry after a lost answer, or a second click), and a re-weighting of the same three.
    const [again, reweighted] = await Promise.all([post(body([30, 40, 30])), post(body([20, 40, 40]))]);
    for (const r of [again, reweighted]) {
      expect([r.status, r.body.code, r.body.field, r.body.compositeId]).toEqual([409, 'composite_source_used', 'sources.0.voteId', published.compositeId]);
    }
    const two = await post(body([50, 50], [votes[2]!, votes[1]!]));
    expect([two.status, two.body.code, two.body.field]).toEqual([409, 'composite_source_used', 'sources.0.voteId']);
    expect((await anon().get(`/v1/committees/${c.id}/chain`)).body.head).toEqual(head);
    expect((await anon().get(`/v1/committees/${c.id}/composites`)).body.composites).toHaveLength(1);
  });
});

describe('an operator who rewrites the chain with database access', () => {
  const tamper = (fn: (ch: Chain, composite: Composite) => void): Chain => {
    const ch = structuredClone(chain);
    fn(ch, ch.entries[published.seq] as Composite);
    // The tamperer's best case: a self-consistent chain, the sources' heads re-pointed at the rehashed closes.
    rehash(ch as unknown as VoteRecord);
    const composite = ch.entries[published.seq] as Composite;
    for (const s of composite.body.sources) s.head.hash = ch.entries[s.head.seq]!.hash;
    return rehash(ch as unknown as VoteRecord);
  };

  it('is caught altering a weight, still summing to 100 (composite_mismatch)', async () => {
    const ch = tamper((_, e) => {
      e.body.sources[0]!.weight = 40;
      e.body.sources[1]!.weight = 30;
    });
    expect(await refusal(ch, published.seq)).toBe('composite_mismatch');
  });

  it('is caught altering a published composite score (composite_mismatch)', async () => {
    const ch = tamper((_, e) => {
      e.body.cadres[1]!.score = { num: '90', den: '1', value: '90.00' };
    });
    expect(await refusal(ch, published.seq)).toBe('composite_mismatch');
  });

  it('is caught altering a source’s result: the source record fails its tally check, and so the composite (invalid_composite)', async () => {
    const ch = tamper((c2, e) => {
      const close = c2.entries[e.body.sources[1]!.head.seq] as Closed;
      const cadre = close.body.tally.shaped![0]!;
      if (cadre.shape !== 'evaluation') throw new Error('not an evaluation');
      cadre.candidates[0]!.counts[0]!.count += 1;
    });
    const composite = (ch.entries[published.seq] as Composite).body;
    const sources = await sourcesFrom(ch, composite);
    expect(sources[1]!.report.ok).toBe(false);
    expect(sources[1]!.report.checks.filter((x) => !x.ok).map((x) => x.id)).toContain('tally');
    expect(await refusal(ch, published.seq)).toBe('invalid_composite');
  });

  it('is caught naming a vote that is not closed (invalid_composite)', async () => {
    const created = chain.entries.find((e) => e.kind === 'vote.created' && e.body.definition.voteId === openVoteId)!;
    const ch = tamper((_, e) => {
      e.body.sources[2] = { ...e.body.sources[2]!, voteId: openVoteId, head: { seq: created.seq, hash: created.hash } };
    });
    expect(await refusal(ch, published.seq)).toBe('invalid_composite');
  });

  it('is caught naming a vote of another committee (invalid_composite)', async () => {
    const ch = tamper((_, e) => {
      e.body.sources[1] = { ...e.body.sources[1]!, committeeId: other.id, voteId: foreignVoteId };
    });
    expect(await refusal(ch, published.seq)).toBe('invalid_composite');
  });

  it('is caught naming a publisher who is not a secretary on the chain (actor_not_secretary)', async () => {
    const ch = tamper((_, e) => {
      e.body.by = c.members[0]!.personId;
    });
    expect(await refusal(ch, published.seq)).toBe('actor_not_secretary');
  });
});
