// Stage `record`: the record is { committeeId, voteId, entries, head } exactly (a record never
// carries keys: §12.1), and every entry parses and has a canonical JSON form. Without parseable
// entries nothing else can be checked.
import { parseEntry, type ChainEntry, type ChainHead } from '../chain.ts';
import { canonicalBytes } from '../encoding.ts';
import { reasonZh } from '../errors.ts';
import { HEX64, isPlainObject } from '../guards.ts';
import { fail, pass } from './outcome.ts';
import type { RecordState, Staged } from './state.ts';

/** The top-level members of a record, exactly. */
const RECORD_KEYS = ['committeeId', 'voteId', 'entries', 'head'];

/** A reason in English and in Chinese. */
interface Reason {
  en: string;
  zh: string;
}

export function readRecord(record: unknown): Staged<RecordState> {
  const r = isPlainObject(record) ? record : null;
  let entries: ChainEntry[] = [];
  let problem: Reason | null;
  if (!r) problem = { en: 'the record is not an object', zh: '记录不是对象' };
  else if (typeof r.committeeId !== 'string' || typeof r.voteId !== 'string')
    problem = { en: 'committeeId and voteId must be strings', zh: 'committeeId 和 voteId 必须是字符串' };
  else if (!Array.isArray(r.entries) || r.entries.length === 0) problem = { en: 'entries must be a non-empty array', zh: 'entries 必须是非空数组' };
  else if (!isPlainObject(r.head) || !Number.isSafeInteger(r.head.seq) || typeof r.head.hash !== 'string' || !HEX64.test(r.head.hash))
    problem = { en: 'head must be { seq, hash }', zh: 'head 必须是 { seq, hash }' };
  else if (Object.keys(r.head).length !== 2) problem = { en: 'head must hold exactly seq and hash', zh: 'head 必须恰好含 seq 和 hash 两项' };
  else if (Object.keys(r).some((k) => !RECORD_KEYS.includes(k))) {
    const extra = Object.keys(r).find((k) => !RECORD_KEYS.includes(k));
    problem = {
      en: `the record holds ${extra}; a record holds exactly committeeId, voteId, entries and head`,
      zh: `记录含有多余的字段 ${JSON.stringify(extra)}；记录只能恰好含 committeeId、voteId、entries、head 四项`,
    };
  } else {
    try {
      entries = r.entries.map((e, i) => parseEntry(e, `entries.${i}`));
      problem = unencodable(r.entries);
    } catch (e) {
      problem = { en: (e as Error).message, zh: reasonZh(e) };
    }
  }
  if (problem !== null || !r)
    return { outcome: fail('record_malformed', problem?.en ?? 'malformed', `记录格式不正确：${problem?.zh ?? '格式有误'}`), next: null };
  return {
    outcome: pass(`${entries.length} entries`, `共 ${entries.length} 条记录项`),
    next: { committeeId: r.committeeId as string, voteId: r.voteId as string, statedHead: r.head as ChainHead, entries },
  };
}

/** Why the entries cannot be hashed as JCS (a lone surrogate in a string has no UTF-8), or null. */
function unencodable(entries: unknown[]): Reason | null {
  for (const [i, e] of entries.entries()) {
    try {
      canonicalBytes(e);
    } catch (cause) {
      return {
        en: `entries.${i} has no canonical JSON form: ${(cause as Error).message}`,
        zh: `entries.${i} 没有规范的 JSON 形式（含无法编码为 UTF-8 的字符，如孤立的代理项）`,
      };
    }
  }
  return null;
}
