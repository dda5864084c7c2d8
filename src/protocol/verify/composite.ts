// The observer's check of a 三元测评 composite (composite.ts): given the source records, each
// already verified by verifyRecord, and the `composite.published` entry, recompute the composite
// from the sources' published (and recounted) evaluation tallies and compare. Pure.
//
// verifyCompositeOnChain adds what the composite's own chain shows: the links verify, `by` is a
// secretary in office there, and every source is a vote of that committee closed on it before
// the composite was published.
import { hashEntry, parseEntry, verifyChainLinks, type ChainEntry } from '../chain.ts';
import { computeComposite, type CompositeBody, type CompositeCadre } from '../composite.ts';
import { bytesToHex, canonicalBytes } from '../encoding.ts';
import { ProtocolError, reasonZh } from '../errors.ts';
import { isPlainObject } from '../guards.ts';
import type { EvaluationTally } from '../shapes.ts';
import type { VerificationReport } from './codes.ts';

export interface VerifiedSource {
  /** The source record as published (committeeId, voteId, entries, head). */
  record: unknown;
  /** verifyRecord's report on that record. */
  report: Pick<VerificationReport, 'ok' | 'head' | 'tally'>;
}

const canon = (v: unknown) => bytesToHex(canonicalBytes(v));

const FIELD_ZH: Record<string, string> = { excellent: '优秀率', competentOrBetter: '称职以上率', inadequate: '不称职率', score: '综合得分' };

/**
 * Checks a `composite.published` entry against its source records, in the entry's source
 * order. Returns the composite body when it is exactly what the sources give. Throws
 * ProtocolError with messageZh:
 * - `invalid_entry`      the entry is malformed, not a composite.published entry, or its hash is wrong
 * - `invalid_composite`  a source record is missing, did not verify, is another vote or head than
 *                        the entry names, is not an evaluation, or the sources do not fit together
 *                        (other cadres or grades); weights not summing to 100
 * - `composite_mismatch` the published composite differs from the recomputed one (names the cadre and value)
 */
export function verifyComposite(sources: readonly VerifiedSource[], entry: unknown): CompositeBody {
  const parsed: ChainEntry = parseEntry(entry, 'composite');
  if (parsed.kind !== 'composite.published')
    throw new ProtocolError('invalid_entry', `the entry is a ${parsed.kind} entry, not composite.published`, {
      field: 'kind',
      zh: `该记录项为 ${parsed.kind}，不是 composite.published`,
    });
  if (hashEntry(parsed) !== parsed.hash)
    throw new ProtocolError('invalid_entry', 'the composite entry does not hash to its stated hash', {
      field: 'hash',
      zh: '综合测评记录项的哈希与其所载哈希不符',
    });
  const body = parsed.body;
  if (sources.length !== body.sources.length) {
    throw new ProtocolError('invalid_composite', `the composite names ${body.sources.length} sources, ${sources.length} records were given`, {
      field: 'sources',
      zh: `综合测评列出 ${body.sources.length} 个测评来源，实际提供 ${sources.length} 份记录`,
    });
  }
  const tallies: EvaluationTally[] = body.sources.map((src, i) => {
    const { record, report } = sources[i]!;
    const where = `source ${i} (${src.label})`;
    const whereZh = `测评来源 #${i}（${src.label}）`;
    const fail = (en: string, zh: string) => new ProtocolError('invalid_composite', `${where}: ${en}`, { field: `sources.${i}`, zh: `${whereZh}：${zh}` });
    if (!isPlainObject(record) || record.committeeId !== src.committeeId || record.voteId !== src.voteId)
      throw fail(`the record is not vote ${src.voteId} of committee ${src.committeeId}`, `所给记录不是委员会 ${src.committeeId} 的表决 ${src.voteId}`);
    if (!report || report.ok !== true) throw fail('the record did not verify', '该记录未通过核验');
    if (!report.head || report.head.seq !== src.head.seq || report.head.hash !== src.head.hash) {
      throw fail(`the verified head is not the head the composite names (seq ${src.head.seq})`, `核验所得链头不是综合测评所引用的链头（序号 ${src.head.seq}）`);
    }
    const shaped = report.tally?.shaped;
    const t = Array.isArray(shaped) && shaped.length === 1 ? shaped[0] : undefined;
    if (!t || t.shape !== 'evaluation') throw fail('the vote is not an evaluation (民主测评)', '该表决不是民主测评');
    return t;
  });
  let recomputed: CompositeCadre[];
  try {
    recomputed = computeComposite(body, tallies);
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError('invalid_composite', (e as Error)?.message ?? String(e), { zh: reasonZh(e) });
  }
  if (canon(recomputed) !== canon(body.cadres)) throw mismatch(recomputed, body.cadres);
  return body;
}

/**
 * verifyComposite for the composite at `seq` of its committee's chain (`entries`, from genesis
 * through at least that entry), checking first what the chain itself shows. Throws ProtocolError:
 * - `invalid_entry`        the chain's links do not verify, or there is no composite at `seq`
 * - `actor_not_secretary`  `by` is not a secretary appointed on the chain (and not removed) at `seq`
 * - `invalid_composite`    a source is a vote of another committee, or the head it names is not
 *                          that vote's `vote.closed` entry on this chain before the composite
 * then whatever verifyComposite throws.
 */
export function verifyCompositeOnChain(entries: unknown, seq: number, sources: readonly VerifiedSource[]): CompositeBody {
  const links = verifyChainLinks(entries);
  if (!links.ok)
    throw new ProtocolError('invalid_entry', `the composite's chain does not verify (${links.code} at entry ${links.index}): ${links.detail}`, {
      field: 'entries',
      zh: `综合测评所在哈希链未通过核验（${links.code}，记录项 #${links.index}）：${links.detailZh}`,
    });
  const chain = (entries as unknown[]).map((e, i) => parseEntry(e, `entries.${i}`));
  const entry = chain[seq];
  if (!entry || entry.kind !== 'composite.published')
    throw new ProtocolError('invalid_entry', `entry ${seq} of the chain is not a composite.published entry`, {
      field: 'seq',
      zh: `哈希链的记录项 #${seq} 不是 composite.published`,
    });
  const secretaries = new Set<string>();
  const admins = new Set<string>();
  for (const e of chain.slice(0, seq)) {
    if (e.kind === 'admin.granted') admins.add(e.body.personId);
    // A grant by someone the chain does not show as administrator grants nothing.
    else if (e.kind === 'secretary.appointed' && admins.has(e.body.by)) secretaries.add(e.body.personId);
    else if (e.kind === 'secretary.removed' && admins.has(e.body.by)) secretaries.delete(e.body.personId);
  }
  const body = entry.body;
  if (!secretaries.has(body.by)) {
    throw new ProtocolError('actor_not_secretary', `the composite (entry ${seq}) was published by ${body.by}, who is not a secretary appointed on the chain`, {
      field: 'by',
      zh: `综合测评（记录项 #${seq}）由 ${body.by} 发布，此人不是哈希链上任命的秘书`,
    });
  }
  for (const [i, src] of body.sources.entries()) {
    const where = `source ${i} (${src.label})`;
    const whereZh = `测评来源 #${i}（${src.label}）`;
    if (src.committeeId !== entry.committeeId) {
      throw new ProtocolError(
        'invalid_composite',
        `${where}: vote ${src.voteId} is a vote of committee ${src.committeeId}, not of this composite's committee`,
        { field: `sources.${i}.committeeId`, zh: `${whereZh}：表决 ${src.voteId} 属于委员会 ${src.committeeId}，不属于本综合测评所在委员会` },
      );
    }
    const closed = src.head.seq < seq ? chain[src.head.seq] : undefined;
    if (!closed || closed.kind !== 'vote.closed' || closed.hash !== src.head.hash || closed.body.voteId !== src.voteId) {
      throw new ProtocolError('invalid_composite', `${where}: entry ${src.head.seq} is not the close of vote ${src.voteId} before the composite`, {
        field: `sources.${i}.head`,
        zh: `${whereZh}：记录项 #${src.head.seq} 不是表决 ${src.voteId} 在综合测评之前的结束记录`,
      });
    }
  }
  return verifyComposite(sources, entry);
}

function mismatch(expected: CompositeCadre[], published: CompositeCadre[]): ProtocolError {
  if (expected.length !== published.length) {
    return new ProtocolError('composite_mismatch', `the composite lists ${published.length} cadres, the sources give ${expected.length}`, {
      field: 'cadres',
      zh: `综合测评列出 ${published.length} 名干部，而测评来源为 ${expected.length} 名`,
    });
  }
  for (const [k, e] of expected.entries()) {
    const p = published[k]!;
    for (const key of Object.keys(e) as (keyof CompositeCadre)[]) {
      if (canon(e[key]) === canon(p[key])) continue;
      const show = (v: unknown) => (isPlainObject(v) ? String(v.percent ?? v.value) : JSON.stringify(v));
      return new ProtocolError('composite_mismatch', `cadre ${k} (${e.name}): ${key} recomputes to ${show(e[key])}, published ${show(p[key])}`, {
        field: `cadres.${k}.${key}`,
        zh: `干部 #${k}（${e.name}）：${FIELD_ZH[key] ?? key}重新计算为 ${show(e[key])}，公布为 ${show(p[key])}`,
      });
    }
  }
  return new ProtocolError('composite_mismatch', 'the composite differs from the recomputed one', { field: 'cadres', zh: '综合测评结果与重新计算的不一致' });
}
