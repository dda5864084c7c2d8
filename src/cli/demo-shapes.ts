// `piaojue demo --shape recommendation|evaluation --participants N` (issue 15): a 民主推荐 or a
// 民主测评 at a meeting of participants holding slips, through the HTTP API as the phones would
// run it (with --composite: three evaluations, one per 三元测评 source, and their composite) — the secretary prints the slips, each "phone" spends its code for a participant
// credential, blinds its token, casts anonymously — then the close with the inspectors, the
// result table, and the verification of the published record.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import {
  ApiClient,
  ApiError,
  castBallot,
  closeAndPublish,
  enrolAndLogin,
  obtainSlipToken,
  redeemSlip,
  WebCryptoDevice,
  type Session,
} from '../client/index.ts';
import type { AnyChoices, AnyVoteDefinition } from '../protocol/ballot.ts';
import type { VoteRecord } from '../protocol/chain.ts';
import { canonicalBytes } from '../protocol/encoding.ts';
import { buildBallot } from '../protocol/member-ballot.ts';
import { evaluationRows, recommendationByRank, thresholdZh, type EvaluationItem, type RecommendationItem } from '../protocol/shapes.ts';
import { computeTally, type Tally } from '../protocol/tally.ts';
import { verifyRecord, type VerificationReport } from '../protocol/verifier.ts';
import type { CompositeBody } from '../protocol/composite.ts';
import { verifyCompositeOnChain } from '../protocol/verify/composite.ts';
import { printComposite } from './verify.ts';
import { logVerdict, startDemoService } from './demo.ts';

export type DemoShape = 'recommendation' | 'evaluation';

export interface ShapedDemoOptions {
  shape: DemoShape;
  participants: number;
  /** A running service and a one-time administrator code; without them the demo starts its own embedded one. */
  url?: string;
  adminCode?: string;
  /** With the evaluation shape: three evaluations (三元测评's sources) and their composite. */
  composite?: boolean;
  log?: (line: string) => void;
}

/** 三元测评's sources and the weights the demo gives them. */
const COMPOSITE_SOURCES = [
  { label: '单位干部群众测评', weight: 30 },
  { label: '全县领导干部会议述职测评', weight: 40 },
  { label: '分管战线领导综合测评', weight: 30 },
];

const roll = () => nodeRandomBytes(1)[0]!;
const rng = (n: number) => new Uint8Array(nodeRandomBytes(n));
const ELIGIBLE = ['王芳', '李强', '张伟', '刘洋', '陈静', '杨帆', '赵敏', '黄磊'];
const CADRES = ['陈静', '王芳', '李强', '周涛', '吴昊'];
const SLIPS_PER_BATCH = 1000;

/** A participant's marks: up to k names (the last participant over-marks, counted 无效), or a grade per cadre. */
function choicesFor(def: AnyVoteDefinition, i: number, last: boolean): AnyChoices {
  const item = def.items[0] as RecommendationItem | EvaluationItem;
  if (item.shape === 'recommendation') {
    const k = last ? item.maxMarks + 1 : roll() % (item.maxMarks + 1);
    // Weighted toward the first names, so the ranking is not flat.
    const picked = new Set<string>();
    while (picked.size < k) picked.add(item.candidates[Math.min(roll() % item.candidates.length, (roll() + i) % item.candidates.length)]!.candidateId);
    return { [item.itemId]: Object.fromEntries(item.candidates.map((c) => [c.candidateId, picked.has(c.candidateId) ? 'recommend' : 'blank'])) };
  }
  const grades = item.grades.map((g) => g.code);
  return {
    [item.itemId]: Object.fromEntries(
      item.candidates.map((c) => [c.candidateId, roll() % 10 === 0 ? 'abstain' : grades[Math.min(roll() % grades.length, roll() % grades.length)]!]),
    ),
  };
}

export async function runShapedDemo(options: ShapedDemoOptions): Promise<{ ok: boolean; tally: Tally; voteId: string }> {
  const log = options.log ?? ((line: string) => console.log(line));
  let url = options.url?.replace(/\/+$/, '');
  let adminCode = options.adminCode;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    ({ url, adminCode, stop } = await startDemoService(log));
  }
  if (!adminCode) throw new Error('with --url, pass --admin-code CODE');
  try {
    const enrol = async (code: string): Promise<Session<WebCryptoDevice>> => enrolAndLogin(new ApiClient(url), code, await WebCryptoDevice.create('Ed25519'));
    const admin = await enrol(adminCode);
    const pub = new ApiClient(url);
    const committee = await admin.api.call<{ id: string }>('POST', '/v1/committees', {
      name: `演示县委 ${new Date().toISOString().slice(0, 10)}`,
      kind: 'standing',
      visibility: 'public',
    });
    const codeFor = async (personId: string) => (await admin.api.call<{ code: string }>('POST', `/v1/people/${personId}/enrolment-codes`)).code;
    const secretary = await enrol(
      await codeFor((await admin.api.call<{ personId: string }>('POST', `/v1/committees/${committee.id}/secretaries`, { name: '演示秘书' })).personId),
    );
    // The inspectors (监票人): two committee members with enrolled devices.
    const inspectors: Session<WebCryptoDevice>[] = [];
    for (const name of ['监票人甲', '监票人乙'])
      inspectors.push(
        await enrol(await codeFor((await admin.api.call<{ memberId: string }>('POST', `/v1/committees/${committee.id}/members`, { name })).memberId)),
      );

    const jwks = await pub.call<JSONWebKeySet>('GET', '/.well-known/jwks.json');
    // One meeting of participants with its vote, closed and verified.
    const runMeeting = async (meetingTitle: string): Promise<{ ok: boolean; tally: Tally; voteId: string; record: VoteRecord; report: VerificationReport }> => {
      const meeting = await secretary.api.call<{ id: string }>('POST', `/v1/committees/${committee.id}/meetings`, {
        title: meetingTitle,
        kind: 'slips',
        entitled: options.participants,
      });
      const item =
        options.shape === 'recommendation'
          ? {
              shape: 'recommendation',
              post: '县直单位副科级领导职务',
              maxMarks: 2,
              threshold: { comparison: 'more_than', num: 1, den: 2 },
              candidates: ELIGIBLE,
            }
          : { shape: 'evaluation', title: '2026 年度科级领导干部民主测评', candidates: CADRES };
      const vote = await secretary.api.call<{ id: string }>('POST', `/v1/meetings/${meeting.id}/votes`, {
        title: options.shape === 'recommendation' ? '民主推荐（演示）' : '民主测评（演示）',
        items: [item],
      });
      await secretary.api.call('POST', `/v1/meetings/${meeting.id}/open`);
      const codes: string[] = [];
      for (let left = options.participants; left > 0; left -= SLIPS_PER_BATCH) {
        const batch = await secretary.api.call<{ slips: { code: string }[] }>('POST', `/v1/meetings/${meeting.id}/slips`, {
          count: Math.min(left, SLIPS_PER_BATCH),
        });
        codes.push(...batch.slips.map((s) => s.code));
      }
      await secretary.api.call('PUT', `/v1/meetings/${meeting.id}/attendance`, { present: inspectors.map((m) => m.personId) });
      const opened = await secretary.api.call<{ createdSeq: number }>('POST', `/v1/votes/${vote.id}/open`);
      // Each phone pins the vote's key from the public record, not from what the API hands it.
      const chain = await pub.call<{ entries: { body: { definition: AnyVoteDefinition } }[] }>(
        'GET',
        `/v1/committees/${committee.id}/chain?from=${opened.createdSeq}&to=${opened.createdSeq}`,
      );
      const def = chain.entries[0]!.body.definition;
      log(`meeting of participants: ${codes.length} slips printed (实到), vote ${def.voteId} open`);

      const ballots = [];
      for (const [i, code] of codes.entries()) {
        const redeemed = await redeemSlip(pub, code);
        if (redeemed.status !== 200) throw new ApiError('POST', '/v1/participant/redeem', redeemed.status, redeemed.body);
        const token = await obtainSlipToken(pub.as((redeemed.body as { credential: string }).credential), def);
        const ballot = buildBallot(token, choicesFor(def, i, i === codes.length - 1 && options.shape === 'recommendation'));
        const answer = await castBallot(pub, ballot);
        if (answer.status !== 201) throw new ApiError('POST', '/v1/ballots', answer.status, answer.body);
        ballots.push(ballot);
      }
      log(`${ballots.length} phones spent their slips, took a blind token each and cast anonymously`);
      await closeAndPublish(secretary, inspectors, def.voteId, { inspectors, unconfirmedReason: '凭条参会者无登记设备，选票不作设备确认' });
      const published = await pub.call<{ tally: Tally }>('GET', `/v1/votes/${def.voteId}/tally`);
      const expected = computeTally(def, ballots, { issued: ballots.length, present: codes.length });
      const same = new TextDecoder().decode(canonicalBytes(expected)) === new TextDecoder().decode(canonicalBytes(published.tally));
      const record = await pub.call<VoteRecord>('GET', `/v1/votes/${def.voteId}/record`);
      const report = await verifyRecord(record, { jwks, randomBytes: rng });
      printShapedTally(published.tally, log);
      logVerdict(report, same, log);
      return { ok: same && report.ok, tally: published.tally, voteId: def.voteId, record, report };
    };
    if (!options.composite) {
      const { ok, tally, voteId } = await runMeeting('全县领导干部会议（演示）');
      return { ok, tally, voteId };
    }
    // 三元测评: one evaluation per source, each its own meeting, then the composite 30/40/30.
    const runs: Awaited<ReturnType<typeof runMeeting>>[] = [];
    for (const source of COMPOSITE_SOURCES) {
      log(`— ${source.label} —`);
      runs.push(await runMeeting(`${source.label}（演示）`));
    }
    const composite = await secretary.api.call<{ seq: number; body: CompositeBody }>('POST', `/v1/committees/${committee.id}/composites`, {
      title: '2026 年度科级领导干部三元测评（演示）',
      sources: COMPOSITE_SOURCES.map((s, i) => ({ label: s.label, voteId: runs[i]!.voteId, weight: s.weight })),
    });
    const chain = await pub.call<{ entries: unknown[] }>('GET', `/v1/committees/${committee.id}/chain`);
    let verified = true;
    try {
      verifyCompositeOnChain(chain.entries, composite.seq, runs);
    } catch (e) {
      verified = false;
      log(`composite verification failed: ${(e as Error).message}`);
    }
    printComposite(composite.body, log);
    if (verified) log('composite verification: recomputed from the chain and the three records, every value equal');
    return { ok: verified && runs.every((r) => r.ok), tally: runs.at(-1)!.tally, voteId: runs.at(-1)!.voteId };
  } finally {
    await stop?.();
  }
}

/** 民主推荐票统计表 (by rank) or 民主测评结果汇总表 (per cadre), as lines. */
export function printShapedTally(t: Tally, log: (line: string) => void): void {
  log(`应到 ${t.entitled}  实到 ${t.present}  发出 ${t.issued}  收回 ${t.returned}`);
  for (const s of t.shaped ?? []) {
    if (s.shape === 'recommendation') {
      const r = s;
      log(`【${r.post}】 每票至多推荐 ${r.maxMarks} 人  有效 ${r.valid}  无效 ${r.invalid}  空白 ${r.blank}  门槛：${thresholdZh(r.threshold)}`);
      log('  名次  姓名  得票  得票率  达到门槛');
      for (const c of recommendationByRank(r)) log(`  ${c.rank}  ${c.name}  ${c.votes}  ${c.rate.percent ?? '—'}%  ${c.reached ? '是' : '否'}`);
    } else {
      const e = s;
      log(`【${e.title}】 有效 ${e.valid}`);
      log(`  姓名  ${e.grades.map((g) => g.name).join('  ')}  弃权  优秀率  称职以上率  不称职率`);
      const pct = (p: string | null) => (p === null ? '—' : `${p}%`);
      for (const row of evaluationRows(e))
        log(
          `  ${row.name}  ${row.cells.map((c) => c.count).join('  ')}  ${row.abstain}  ${pct(row.excellent)}  ${pct(row.competentOrBetter)}  ${pct(row.inadequate)}`,
        );
    }
  }
}
