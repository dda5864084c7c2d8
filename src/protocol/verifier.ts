// The observer's verifier: trusts nothing but the record it is given and the service's public
// JWKS. Pure and isomorphic (CLI and browser). Every field of the record is attacker-controlled:
// each check catches its own failures and reports a code; verifyRecord never throws on input.
import { sha256 } from '@noble/hashes/sha2.js';
import type { JSONWebKeySet } from 'jose';
import { BALLOT_KEY_LENGTH, hasQuorum, validateBallot, type Ballot, type BallotV2, type AnyVoteDefinition } from './ballot.ts';
import { ballotSignatureCheck } from './ballot-v2.ts';
import { versionOf, type ProtocolVersion } from './version.ts';
import { checkChainLinks, compareStrings, parseEntry, type ChainEntry, type ChainHead } from './chain.ts';
import { tokenRequestMessage, verifyDeviceSignatures, type DevicePublicKey, type DeviceSignatureCheck } from './device.ts';
import { bytesToHex, canonicalBytes, fromBase64url } from './encoding.ts';
import { ProtocolError, reasonZh, type RandomBytes } from './errors.ts';
import { HEX64, isPlainObject } from './guards.ts';
import { verifyTallySignature } from './receipt.ts';
import { checkAuthority } from './verify/authority.ts';
import { checkConfirmations, checkCountersignatures } from './verify/close.ts';
import { checkBlindedPoints, invalidG1Points } from './verify/issuances.ts';
import { fail, pass, type Entry, type Outcome } from './verify/outcome.ts';
import { checkRules } from './verify/rules.ts';
import { checkParticipation, participationApplies, participationOf } from './verify/participation.ts';
import { computeTally, type Tally } from './tally.ts';
import {
  batchCoefficients,
  checkBatchSums,
  decodeG2,
  G1_LENGTH,
  locateInvalidTokens,
  TOKEN_LENGTH,
  tokenBatchSums,
  type TokenItem,
} from './tokens.ts';

/**
 * Why a check failed. One code per kind of fault, so a tamper test can name what it broke.
 * - record_malformed      the record or an entry is not of the documented shape
 * - chain_seq             entries are not numbered 0, 1, 2, … in order (dropped or inserted entry)
 * - chain_committee       an entry belongs to another committee than the record
 * - chain_link            an entry's prev is not the hash of the entry before it
 * - chain_hash            an entry's hash is not the SHA-256 of its canonical form
 * - chain_head            the record's stated head is not its last entry
 * - pinned_head_mismatch  the chain does not contain the head the observer pinned earlier
 * - vote_missing          no vote.created entry for this vote
 * - vote_duplicate        two or more vote.created, or two or more vote.closed, entries for this vote
 * - vote_not_closed       no vote.closed entry after its vote.created entry
 * - entries_after_close   the record goes on after the vote's vote.closed entry (it must end there)
 * - vote_key_invalid      the vote's public key is not a valid G2 subgroup point
 * - vote_definition_invalid the vote belongs to another committee or its definition is malformed
 * - rules_mismatch        the vote's rules or marks differ from the committee's (committee.created)
 * - candidate_ratio_too_low (v2) a differential item of a vote that is not a run-off has too few candidates
 * - runoff_invalid        (v2) the vote claims to be a run-off, but is not the one its earlier vote calls for
 * - candidate_order       (v2) candidates are not in the stroke order the rules name
 * - actor_not_secretary   (v2) the vote, or its attendance, was recorded by someone the chain does not show as secretary
 * - grant_unauthorised    (v2) a secretary appointment or removal, or an enrolment code, by someone not an administrator on the chain
 * - attendance_inconsistent no attendance for the meeting before the close; a present member who is
 *                         not an active voting member; 应到 not the roster's count at creation; a
 *                         roster change while the vote was open
 * - quorum_not_met        实到 at close is below the committee's quorum of 应到
 * - issuance_order        issuances are not sorted by memberId, or one member appears twice
 * - issuance_member_absent a token went to a member not recorded present
 * - issuance_device_unknown the signing device was never enrolled for that member
 * - issuance_device_revoked the signing device was revoked before the vote was created
 * - issuance_device_late  (v2) the signing device was enrolled after the vote was created
 * - issuance_point_reused two issuances carry the same blinded point
 * - issuance_point_invalid a blinded point is not a strictly valid G1 point (off curve, identity, …)
 * - issuance_signature_invalid the device signature over (voteId, blindedPoint) does not verify
 * - turnout_inconsistent  not 收回 ≤ 发出 ≤ 实到 ≤ 应到
 * - slip_meeting_mismatch (issue 15) a vote of a meeting of participants without slip tokens, or with
 *                         member issuances; or slip tokens in a vote of a meeting that issued no slips
 * - slip_token_order      (issue 15) slip tokens not strictly ascending (a blinded point twice)
 * - slip_token_invalid    (issue 15) a slip token is not a strictly valid G1 point
 * - ballots_exceed_tokens (issue 15) 收回 > 发出 in a vote of participants
 * - tokens_exceed_slips   (issue 15) 发出 > the slips issued (实到) in a vote of participants
 * - slips_exceed_entitled (issue 15) more slips issued than 应到
 * - ballot_invalid        a ballot does not fit the vote definition
 * - ballot_order          ballots are not strictly ascending by ballotHash
 * - token_reused          two ballots carry the same token t
 * - token_signature_invalid a ballot's token signature does not verify under the vote key
 * - ballot_signature_invalid (version 2) a ballot's one-time key did not sign its marks: a mark
 *                         was changed, or the ballot was made without the token's owner
 * - confirmation_invalid  (v2) a confirmation is out of order, repeats a member, is by a member without
 *                         a token or another device than the one that asked for it, or its
 *                         signature does not verify over this prepared close (forged or replayed)
 * - confirmations_missing (v2) more ballots than confirmations, and no recorded decision accepts the difference
 * - decision_invalid      (v2) the decision on unconfirmed ballots names another count than the shortfall
 * - inspectors_missing    (v2) no inspectors designated for the meeting, or one not recorded present
 * - countersignature_invalid (v2) a countersignature by someone not a designated inspector, from a
 *                         device not enrolled for them, out of order, or not over this sealed close
 * - countersignatures_missing (v2) a designated inspector did not countersign
 * - tally_mismatch        the recomputed tally differs from the published one
 * - tally_signature_invalid the tally JWS does not verify or does not sign the published tally
 * - not_checked           a check that could not run because an earlier one failed
 */
export const VERIFICATION_CODES = [
  'record_malformed',
  'chain_seq',
  'chain_committee',
  'chain_link',
  'chain_hash',
  'chain_head',
  'pinned_head_mismatch',
  'vote_missing',
  'vote_duplicate',
  'vote_not_closed',
  'entries_after_close',
  'vote_key_invalid',
  'vote_definition_invalid',
  'rules_mismatch',
  'candidate_ratio_too_low',
  'runoff_invalid',
  'candidate_order',
  'actor_not_secretary',
  'grant_unauthorised',
  'attendance_inconsistent',
  'quorum_not_met',
  'issuance_order',
  'issuance_member_absent',
  'issuance_device_unknown',
  'issuance_device_revoked',
  'issuance_device_late',
  'issuance_point_reused',
  'issuance_point_invalid',
  'issuance_signature_invalid',
  'turnout_inconsistent',
  'slip_meeting_mismatch',
  'slip_token_order',
  'slip_token_invalid',
  'ballots_exceed_tokens',
  'tokens_exceed_slips',
  'slips_exceed_entitled',
  'ballot_invalid',
  'ballot_order',
  'token_reused',
  'token_signature_invalid',
  'ballot_signature_invalid',
  'confirmation_invalid',
  'confirmations_missing',
  'decision_invalid',
  'inspectors_missing',
  'countersignature_invalid',
  'countersignatures_missing',
  'tally_mismatch',
  'tally_signature_invalid',
  'not_checked',
] as const;
export type VerificationCode = (typeof VERIFICATION_CODES)[number];

/** For callers (the CLI) that want to throw a failed verification as one coded error. */
export class VerificationError extends Error {
  readonly code: VerificationCode;
  constructor(code: VerificationCode, detail: string, options: { cause?: unknown } = {}) {
    super(detail, { cause: options.cause });
    this.name = 'VerificationError';
    this.code = code;
  }
}

export const CHECKS = {
  record: { zh: '记录格式完整', en: 'Record is well formed' },
  chain: { zh: '哈希链逐条相连、哈希正确', en: 'Chain links and entry hashes' },
  pinnedHead: { zh: '与先前固定的链头一致（未改写历史）', en: 'Extends the pinned head (history not rewritten)' },
  vote: { zh: '表决定义与公钥有效', en: 'Vote definition and public key' },
  rules: { zh: '表决规则与委员会规则一致，人选比例与笔画顺序无误', en: 'Rules are the committee’s; candidate ratio and stroke order' },
  authority: { zh: '秘书任命与授权均在链上', en: 'Every secretary and grant of power is on the chain' },
  attendance: { zh: '应到、实到与名册和签到一致，且达到法定人数', en: 'Entitled and present match roster and attendance; quorum met' },
  issuances: { zh: '每张票证均由到会成员的登记设备申领', en: 'Every token was requested by an enrolled device of a present member' },
  turnout: { zh: '收回 ≤ 发出 ≤ 实到 ≤ 应到', en: 'Returned ≤ issued ≤ present ≤ entitled' },
  participation: { zh: '凭条参会：收回 ≤ 发出 ≤ 发放凭条数', en: 'Participants with slips: returned ≤ tokens issued ≤ slips issued' },
  ballots: { zh: '每张选票格式有效', en: 'Every ballot is well formed' },
  ballotOrder: { zh: '选票按哈希排序（不泄露投票顺序）', en: 'Ballots sorted by hash (no arrival order)' },
  tokensUnique: { zh: '票证无重复使用', en: 'No token used twice' },
  tokenSignatures: { zh: '每张选票的票证签名有效', en: 'Every ballot’s token signature verifies' },
  ballotSignatures: { zh: '每张选票的划票内容经其一次性密钥签名，未被改动', en: 'Every ballot’s marks are signed by its one-time key (unchanged)' },
  confirmations: { zh: '投票委员确认其选票在列，选票数不超过确认数', en: 'Members who cast confirmed their ballots are in; no more ballots than confirmations' },
  countersignatures: { zh: '全部监票人已对结果签名', en: 'Every designated inspector (监票人) countersigned' },
  tally: { zh: '重新计票与公布结果一致', en: 'Recomputed tally equals the published tally' },
  tallySignature: { zh: '计票结果签名有效', en: 'Tally signature verifies' },
} as const;
export type CheckId = keyof typeof CHECKS;

export interface Check {
  id: CheckId;
  ok: boolean;
  code?: VerificationCode;
  /** What the check found, in English (kept for compatibility) and in Chinese. */
  detail: string;
  detailZh: string;
  zh: string;
  en: string;
}

export interface VerificationReport {
  /** True only when every check passed. */
  ok: boolean;
  checks: Check[];
  /** The head of the verified chain, to pin for next time (only when the chain check passed). */
  head: ChainHead | null;
  /** The published tally, for display (only when present). */
  tally: Tally | null;
  /** The protocol version the record's vote follows (null when no vote definition could be read). */
  version: ProtocolVersion | null;
}

export type ProgressPhase = 'issuances' | 'tokens';
export type ProgressCallback = (done: number, total: number) => void;

/**
 * Where the costly, independent per-item work runs. The default runs it in place (pure, any
 * platform); the Node CLI passes a worker-thread pool (src/cli/verify-workers.ts), a browser
 * could pass Web Workers. An accelerator must compute exactly what the pure functions named
 * here compute; the verifier draws the batch coefficients itself and makes the final pairing
 * check, so an accelerator cannot choose them.
 */
export interface VerifyAccelerator {
  /**
   * tokenBatchSums over the items, split into chunks however it likes: the chunks' sums
   * (checkBatchSums adds them), or the indices (into `items`, ascending) that are malformed.
   */
  tokenBatchSums(
    items: readonly TokenItem[],
    coefficients: readonly bigint[],
    onProgress?: ProgressCallback,
  ): Promise<{ ok: true; sums: { sigSum: Uint8Array; preHashSum: Uint8Array }[] } | { ok: false; bad: number[] }>;
  /** verifyDeviceSignature for each check, in order (verifyDeviceSignatures computes the same). */
  deviceSignatures(checks: readonly DeviceSignatureCheck[], onProgress?: ProgressCallback): Promise<boolean[]>;
  /** The indices (ascending) of the points that fail strict G1 decoding (decodeG1); optional. */
  invalidG1Points?(points: readonly Uint8Array[]): Promise<number[]>;
}

/** The accelerator that runs everything in place, in this thread (the default). */
export function inPlaceAccelerator(randomBytes: RandomBytes): VerifyAccelerator {
  return {
    tokenBatchSums(items, coefficients, onProgress) {
      const sums = tokenBatchSums(items, coefficients, onProgress ? { onProgress } : {});
      return Promise.resolve(sums.ok ? { ok: true, sums: [sums] } : sums);
    },
    deviceSignatures(checks, onProgress) {
      const result = verifyDeviceSignatures(checks, randomBytes);
      onProgress?.(checks.length, checks.length);
      return Promise.resolve(result);
    },
    invalidG1Points(points) {
      return Promise.resolve(invalidG1Points(points));
    },
  };
}

export interface VerifyOptions {
  /**
   * The service's published keys (/.well-known/jwks.json), fetched by the caller from the
   * service — never taken from the record: a `jwks` field inside a record is ignored.
   */
  jwks: JSONWebKeySet;
  /** A head seen earlier; the record must contain that very entry. */
  pinnedHead?: ChainHead;
  /** Real randomness for the batch-verification coefficients. */
  randomBytes: RandomBytes;
  onProgress?: (progress: { phase: ProgressPhase; done: number; total: number }) => void;
  /** Where to run the per-item work (default: in place). */
  accelerator?: VerifyAccelerator;
  /** At most this many pairings to name bad token signatures after a failed batch (default 64). */
  maxLocatePairings?: number;
  /**
   * An inspector checking the sealed close before countersigning it: the record ends with the
   * would-be vote.closed entry, still without countersignatures, and the report leaves out the
   * countersignatures check (everything else is checked as for a published record).
   */
  beforeCountersigning?: boolean;
}

/** Checks that only a version-2 record has (version 1 ballots and closes carry no such signatures). */
const V2_ONLY: readonly CheckId[] = ['ballotSignatures', 'confirmations', 'countersignatures'];

/** The top-level members of a record, exactly (a record never carries keys: §12.1). */
const RECORD_KEYS = ['committeeId', 'voteId', 'entries', 'head'];

export async function verifyRecord(record: unknown, options: VerifyOptions): Promise<VerificationReport> {
  const checks: Check[] = [];
  const add = (id: CheckId, o: Outcome) => checks.push({ id, ...o, ...CHECKS[id] });
  const run = async (id: CheckId, body: () => Outcome | Promise<Outcome>) => {
    try {
      add(id, await body());
    } catch (e) {
      // A check that trips over malformed input fails; it never takes the verifier down.
      add(id, fail('record_malformed', `unexpected input: ${(e as Error)?.message ?? String(e)}`, `输入异常：${reasonZh(e)}`));
    }
  };
  const skip = (ids: CheckId[], because: string, becauseZh: string) => ids.forEach((id) => add(id, fail('not_checked', `not checked: ${because}`, `未检查：${becauseZh}`)));
  const ALL: CheckId[] = Object.keys(CHECKS) as CheckId[];
  // The vote's protocol version, once its definition is read. Version 1 ballots carry no
  // ballot signature, so a version-1 report has no ballotSignatures check (as before).
  let version: ProtocolVersion | null = null;
  // Issue 15: the participation check is reported only for a vote of participants holding slips.
  let withParticipation = false;
  const finish = (head: ChainHead | null, tally: Tally | null): VerificationReport => {
    // Every check appears in the report, in the documented order.
    const seen = new Set(checks.map((c) => c.id));
    for (const id of ALL) {
      if (seen.has(id) || (id === 'pinnedHead' && !options.pinnedHead) || (version === 1 && V2_ONLY.includes(id)) || (id === 'countersignatures' && options.beforeCountersigning) || (id === 'participation' && !withParticipation)) continue;
      add(id, fail('not_checked', 'not checked', '未检查'));
    }
    checks.sort((a, b) => ALL.indexOf(a.id) - ALL.indexOf(b.id));
    return { ok: checks.every((c) => c.ok), checks, head, tally, version };
  };

  // 1. Shape. Without parseable entries nothing else can be checked.
  const r = isPlainObject(record) ? record : null;
  let entries: ChainEntry[] = [];
  {
    let problem: Reason | null;
    if (!r) problem = { en: 'the record is not an object', zh: '记录不是对象' };
    else if (typeof r.committeeId !== 'string' || typeof r.voteId !== 'string') problem = { en: 'committeeId and voteId must be strings', zh: 'committeeId 和 voteId 必须是字符串' };
    else if (!Array.isArray(r.entries) || r.entries.length === 0) problem = { en: 'entries must be a non-empty array', zh: 'entries 必须是非空数组' };
    else if (!isPlainObject(r.head) || !Number.isSafeInteger(r.head.seq) || typeof r.head.hash !== 'string' || !HEX64.test(r.head.hash)) problem = { en: 'head must be { seq, hash }', zh: 'head 必须是 { seq, hash }' };
    else if (Object.keys(r.head).length !== 2) problem = { en: 'head must hold exactly seq and hash', zh: 'head 必须恰好含 seq 和 hash 两项' };
    else if (Object.keys(r).some((k) => !RECORD_KEYS.includes(k))) {
      const extra = Object.keys(r).find((k) => !RECORD_KEYS.includes(k));
      problem = { en: `the record holds ${extra}; a record holds exactly committeeId, voteId, entries and head`, zh: `记录含有多余的字段 ${JSON.stringify(extra)}；记录只能恰好含 committeeId、voteId、entries、head 四项` };
    } else {
      try {
        entries = r.entries.map((e, i) => parseEntry(e, `entries.${i}`));
        problem = unencodable(r.entries);
      } catch (e) {
        problem = { en: (e as Error).message, zh: reasonZh(e) };
      }
    }
    if (problem !== null || !r) {
      add('record', fail('record_malformed', problem?.en ?? 'malformed', `记录格式不正确：${problem?.zh ?? '格式有误'}`));
      skip(ALL.filter((id) => id !== 'record' && id !== 'participation' && (id !== 'pinnedHead' || options.pinnedHead)), 'the record is malformed', '记录格式不正确');
      return finish(null, null);
    }
    add('record', pass(`${entries.length} entries`, `共 ${entries.length} 条记录项`));
  }
  const committeeId = r.committeeId as string;
  const voteId = r.voteId as string;
  const statedHead = r.head as ChainHead;

  // 2. Chain links, hashes, and the stated head.
  let head: ChainHead | null = null;
  await run('chain', () => {
    const links = checkChainLinks(entries);
    if (!links.ok) return fail(links.code, links.detail, `哈希链校验未通过：${links.detailZh}`);
    const stranger = entries.findIndex((e) => e.committeeId !== committeeId);
    if (stranger >= 0) return fail('chain_committee', `entry ${stranger} belongs to committee ${entries[stranger]!.committeeId}`, `记录项 #${stranger} 属于另一委员会 ${entries[stranger]!.committeeId}`);
    if (!links.head || links.head.seq !== statedHead.seq || links.head.hash !== statedHead.hash) {
      return fail('chain_head', `the stated head (seq ${statedHead.seq}) is not the last entry`, `记录所称链头（序号 ${statedHead.seq}）不是哈希链的最后一项`);
    }
    head = links.head;
    return pass(`${entries.length} entries link from genesis to head ${links.head.hash.slice(0, 16)}…`, `${entries.length} 项从创世项起逐项链接至链头 ${links.head.hash.slice(0, 16)}…`);
  });

  // 3. Pinned head: the chain must contain the entry the observer saw before.
  if (options.pinnedHead) {
    const pin = options.pinnedHead;
    await run('pinnedHead', () => {
      const at = entries[pin.seq];
      if (!at) return fail('pinned_head_mismatch', `the chain ends at seq ${entries.length - 1}, before the pinned head at seq ${pin.seq}: history was truncated`, `哈希链止于序号 ${entries.length - 1}，早于已固定的链头（序号 ${pin.seq}）：历史被截断`);
      if (at.hash !== pin.hash) return fail('pinned_head_mismatch', `entry ${pin.seq} differs from the pinned head: history was rewritten or forked`, `记录项 #${pin.seq} 与已固定的链头不同：历史被改写或分叉`);
      return pass(`entry ${pin.seq} is the pinned head`, `记录项 #${pin.seq} 即已固定的链头`);
    });
  }

  // 4. The vote: one creation, one close after it, and the record ends there.
  const created = entries.filter((e): e is Entry<'vote.created'> => e.kind === 'vote.created' && e.body.definition.voteId === voteId);
  const closed = entries.filter((e): e is Entry<'vote.closed'> => e.kind === 'vote.closed' && e.body.voteId === voteId);
  const createdEntry = created.length === 1 ? created[0]! : null;
  const closedEntry = closed.length === 1 && createdEntry && closed[0]!.seq > createdEntry.seq && closed[0] === entries.at(-1) ? closed[0]! : null;
  let definition: AnyVoteDefinition | null = null;
  let publicKey: Uint8Array | null = null;
  if (createdEntry) version = versionOf(createdEntry.body.definition);
  await run('vote', () => {
    if (created.length === 0) return fail('vote_missing', `no vote.created entry for vote ${voteId}`, `没有表决 ${voteId} 的 vote.created 项`);
    if (created.length > 1) return fail('vote_duplicate', `${created.length} vote.created entries for vote ${voteId}, expected 1`, `表决 ${voteId} 有 ${created.length} 个 vote.created 项，应为 1 个`);
    if (closed.length > 1) return fail('vote_duplicate', `${closed.length} vote.closed entries for vote ${voteId}, expected 1`, `表决 ${voteId} 有 ${closed.length} 个 vote.closed 项，应为 1 个`);
    if (closed.length === 0 || closed[0]!.seq < created[0]!.seq) return fail('vote_not_closed', `no vote.closed entry after the vote.created entry for vote ${voteId}`, `表决 ${voteId} 的 vote.created 项之后没有 vote.closed 项`);
    if (!createdEntry || !closedEntry) return fail('entries_after_close', `the record goes on after the vote's vote.closed entry (seq ${closed[0]!.seq}); it must end there`, `记录在该表决的 vote.closed 项（序号 ${closed[0]!.seq}）之后仍有内容；记录必须止于该项`);
    const def = createdEntry.body.definition;
    if (def.committeeId !== committeeId) return fail('vote_definition_invalid', `the vote belongs to committee ${def.committeeId}`, `该表决属于委员会 ${def.committeeId}`);
    try {
      const raw = fromBase64url(def.publicKey);
      decodeG2(raw, 'publicKey');
      publicKey = raw;
    } catch (e) {
      return fail('vote_key_invalid', `the vote key is not a valid G2 point: ${(e as Error).message}`, `表决公钥不是有效的 G2 点：${e instanceof ProtocolError ? e.messageZh : 'publicKey 不是规范的 base64url 编码'}`);
    }
    definition = def;
    return pass(`vote ${voteId}: ${def.items.length} items, key ${def.publicKey.slice(0, 16)}…`, `表决 ${voteId}：${def.items.length} 个事项，公钥 ${def.publicKey.slice(0, 16)}…`);
  });
  if (!definition || !publicKey || !createdEntry || !closedEntry) {
    const later: CheckId[] = ['rules', 'authority', 'attendance', 'issuances', 'turnout', 'ballots', 'ballotOrder', 'tokensUnique', 'tokenSignatures', 'ballotSignatures', 'confirmations', 'countersignatures', 'tally', 'tallySignature'];
    skip(later.filter((id) => !(version === 1 && V2_ONLY.includes(id)) && !(id === 'countersignatures' && options.beforeCountersigning)), 'no valid vote', '没有有效的表决');
    return finish(head, null);
  }
  const def: AnyVoteDefinition = definition;
  const key: Uint8Array = publicKey;
  const created_ = createdEntry;
  const closed_ = closedEntry;
  const { issuances, ballots, tally, tallySignature } = closed_.body;

  // The costly token work starts now: on worker threads it runs while the checks below do theirs.
  const accelerator = options.accelerator ?? inPlaceAccelerator(options.randomBytes);
  const progress = (phase: ProgressPhase): ProgressCallback | undefined => {
    const onProgress = options.onProgress;
    return onProgress ? (done, total) => onProgress({ phase, done, total }) : undefined;
  };
  const v: ProtocolVersion = versionOf(def);
  // What each ballot spends: t (version 1) or its one-time public key (version 2).
  const tokenField = v === 2 ? 'ballotPublicKey' : 't';
  const tokenWork = { items: [] as TokenItem[], index: [] as number[], bad: [] as number[] };
  ballots.forEach((b, i) => {
    try {
      const t = fromBase64url((b as unknown as Record<string, string>)[tokenField]!);
      const signature = fromBase64url((b).signature);
      if (t.length !== (v === 2 ? BALLOT_KEY_LENGTH : TOKEN_LENGTH) || signature.length !== G1_LENGTH || (b).voteId !== voteId) throw new Error('malformed');
      tokenWork.items.push({ voteId, t, signature, version: v });
      tokenWork.index.push(i);
    } catch {
      tokenWork.bad.push(i);
    }
  });
  const tokenSums = settle(() => accelerator.tokenBatchSums(tokenWork.items, batchCoefficients(options.randomBytes, tokenWork.items.length), progress('tokens')));

  // 5. Attendance and roster. 实到 is the meeting's latest attendance before the close (members
  //    sign in after the vote is created); 应到 is fixed by the roster at creation, and the roster
  //    cannot change while the vote is open.
  const before = (seq: number) => entries.filter((e) => e.seq < seq);
  const attendance = before(closed_.seq)
    .filter((e): e is Entry<'attendance.recorded'> => e.kind === 'attendance.recorded' && e.body.meetingId === def.meetingId)
    .at(-1);
  const present = new Set(attendance?.body.present ?? []);
  // Issue 15 hook: in a meeting of participants 实到 is the slips issued and 发出 the slip tokens
  // (verify/participation.ts); the members' attendance and quorum do not apply.
  const participation = participationOf(entries, def, created_, closed_);
  withParticipation = participationApplies(participation, closed_);
  const presentCount = participation.slipsMeeting ? participation.slipsIssued : (attendance?.body.present.length ?? 0);
  const issuedCount = participation.slipsMeeting ? participation.tokens.length : issuances.length;
  const votingOf = (roster: Entry<'roster.changed'> | undefined) => (roster ? roster.body.members.filter((m) => m.votingRight && m.active) : []);
  const latestRoster = (seq: number) => before(seq).filter((e): e is Entry<'roster.changed'> => e.kind === 'roster.changed').at(-1);

  // 4a, 4b. The committee's rules (and, from version 2, ratio, run-off and stroke order); who acted.
  await run('rules', () => checkRules(entries, created_, def));
  await run('authority', () => checkAuthority(entries, { definition: def, created: created_, closed: closed_, attendance }));
  await run('attendance', () => {
    if (participation.slipsMeeting) return pass(`a meeting of participants holding slips: 实到 is the ${presentCount} slips issued (check participation)`, `凭条参会的会议：实到为发放的凭条 ${presentCount} 张（见凭条参会检查）`);
    const atCreation = votingOf(latestRoster(created_.seq));
    if (atCreation.length !== def.entitled) {
      return fail('attendance_inconsistent', `the roster before the vote has ${atCreation.length} active voting members, the vote states 应到 ${def.entitled}`, `表决前的名册有 ${atCreation.length} 名有表决权的在任委员，而表决所载应到 ${def.entitled}`);
    }
    const change = entries.find((e) => e.kind === 'roster.changed' && e.seq > created_.seq && e.seq < closed_.seq);
    if (change) return fail('attendance_inconsistent', `the roster changed (entry ${change.seq}) while the vote was open`, `表决进行期间名册发生变动（记录项 #${change.seq}）`);
    if (!attendance) return fail('attendance_inconsistent', `no attendance for meeting ${def.meetingId} before the vote closed`, `表决结束前没有会议 ${def.meetingId} 的出席记录`);
    const voting = new Set(votingOf(latestRoster(closed_.seq)).map((m) => m.memberId));
    const stranger = attendance.body.present.find((m) => !voting.has(m));
    if (stranger !== undefined) return fail('attendance_inconsistent', `${stranger} is recorded present but is not an active voting member`, `${stranger} 被记为出席，但不是有表决权的在任委员`);
    const atAttendance = votingOf(latestRoster(attendance.seq)).length;
    if (attendance.body.entitled !== atAttendance) {
      return fail('attendance_inconsistent', `the attendance entry (seq ${attendance.seq}) states 应到 ${attendance.body.entitled}, the roster then had ${atAttendance}`, `出席记录（序号 ${attendance.seq}）所载应到 ${attendance.body.entitled}，而当时名册为 ${atAttendance} 人`);
    }
    if (!hasQuorum(presentCount, def.entitled, def.rules.quorum)) {
      return fail('quorum_not_met', `实到 ${presentCount} of 应到 ${def.entitled} is below the quorum ${def.rules.quorum.num}/${def.rules.quorum.den}`, `实到 ${presentCount}，应到 ${def.entitled}，未达法定人数 ${def.rules.quorum.num}/${def.rules.quorum.den}`);
    }
    return pass(`应到 ${def.entitled}, 实到 ${presentCount} (attendance entry ${attendance.seq}), quorum ${def.rules.quorum.num}/${def.rules.quorum.den} met`, `应到 ${def.entitled}，实到 ${presentCount}（出席记录项 #${attendance.seq}），达到法定人数 ${def.rules.quorum.num}/${def.rules.quorum.den}`);
  });

  // 6. Issuances: sorted, one per member, each asked for by that member's enrolled device.
  await run('issuances', async () => {
    for (let i = 1; i < issuances.length; i++) {
      if (compareStrings(issuances[i - 1]!.memberId, issuances[i]!.memberId) >= 0) {
        return fail('issuance_order', `issuance ${i} (${issuances[i]!.memberId}) is out of order or repeats a member`, `票证发放记录 #${i}（${issuances[i]!.memberId}）顺序不对或委员重复`);
      }
    }
    const devices = new Map<string, { device: DevicePublicKey; memberId: string; seq: number }[]>();
    const revoked = new Map<string, number>();
    for (const e of before(closed_.seq)) {
      if (e.kind === 'device.enrolled') devices.set(e.body.fingerprint, [...(devices.get(e.body.fingerprint) ?? []), { device: e.body.device, memberId: e.body.memberId, seq: e.seq }]);
      if (e.kind === 'device.revoked' && !revoked.has(`${e.body.memberId}/${e.body.fingerprint}`)) revoked.set(`${e.body.memberId}/${e.body.fingerprint}`, e.seq);
    }
    const signatures: DeviceSignatureCheck[] = [];
    for (const [i, iss] of issuances.entries()) {
      if (!present.has(iss.memberId)) return fail('issuance_member_absent', `issuance ${i}: ${iss.memberId} was not recorded present`, `票证发放记录 #${i}：${iss.memberId} 未被记为出席`);
      const enrolled = (devices.get(iss.deviceFingerprint) ?? []).find((d) => d.memberId === iss.memberId);
      if (!enrolled) return fail('issuance_device_unknown', `issuance ${i}: device ${iss.deviceFingerprint.slice(0, 16)}… is not enrolled for ${iss.memberId}`, `票证发放记录 #${i}：设备 ${iss.deviceFingerprint.slice(0, 16)}… 不是 ${iss.memberId} 登记的设备`);
      const revokedAt = revoked.get(`${iss.memberId}/${iss.deviceFingerprint}`);
      if (revokedAt !== undefined && revokedAt < created_.seq) return fail('issuance_device_revoked', `issuance ${i}: the device was revoked at seq ${revokedAt}, before the vote`, `票证发放记录 #${i}：设备已于序号 ${revokedAt} 撤销，早于本次表决`);
      if (def.version === 2 && enrolled.seq > created_.seq) return fail('issuance_device_late', `issuance ${i}: the device of ${iss.memberId} was enrolled at seq ${enrolled.seq}, after the vote was created (seq ${created_.seq})`, `票证发放记录 #${i}：${iss.memberId} 的设备于序号 ${enrolled.seq} 登记，晚于表决创建（序号 ${created_.seq}）`);
      signatures.push({ device: enrolled.device, message: tokenRequestMessage(voteId, iss.blindedPoint), signature: iss.deviceSignature });
    }
    const points = await checkBlindedPoints(issuances, accelerator);
    if (!points.ok) return points;
    const results = await accelerator.deviceSignatures(signatures, progress('issuances'));
    const bad = results.findIndex((ok) => ok !== true);
    if (bad >= 0 || results.length !== signatures.length) {
      const i = bad >= 0 ? bad : results.length;
      return fail('issuance_signature_invalid', `issuance ${i}: the device signature of ${issuances[i]?.memberId} does not verify`, `票证发放记录 #${i}：${issuances[i]?.memberId} 的设备签名无效`);
    }
    return pass(`${issuances.length} tokens, each requested by a present member's enrolled device`, `${issuances.length} 张票证，每张均由出席委员的登记设备申领`);
  });

  // 7. Turnout.
  await run('turnout', () => {
    const returned = ballots.length;
    const issued = issuedCount;
    if (!(returned <= issued && issued <= presentCount && presentCount <= def.entitled)) {
      return fail('turnout_inconsistent', `收回 ${returned}, 发出 ${issued}, 实到 ${presentCount}, 应到 ${def.entitled}`, `收回 ${returned}、发出 ${issued}、实到 ${presentCount}、应到 ${def.entitled} 不满足 收回 ≤ 发出 ≤ 实到 ≤ 应到`);
    }
    return pass(`收回 ${returned} ≤ 发出 ${issued} ≤ 实到 ${presentCount} ≤ 应到 ${def.entitled}`, `收回 ${returned} ≤ 发出 ${issued} ≤ 实到 ${presentCount} ≤ 应到 ${def.entitled}`);
  });
  if (withParticipation) await run('participation', () => checkParticipation(participation, { definition: def, closed: closed_, returned: ballots.length }, accelerator));

  // 8. Ballots well formed.
  const wellFormed: (Ballot | null)[] = ballots.map((b) => {
    try {
      return validateBallot(def, b);
    } catch {
      return null;
    }
  });
  await run('ballots', () => {
    const bad = wellFormed.findIndex((b) => b === null);
    if (bad >= 0) {
      let why = '';
      let whyZh = '';
      try {
        validateBallot(def, ballots[bad]);
      } catch (e) {
        why = (e as Error).message;
        whyZh = reasonZh(e);
      }
      return fail('ballot_invalid', `ballot ${bad}: ${why}`, `选票 #${bad} 不符合本次表决：${whyZh}`);
    }
    return pass(`${ballots.length} ballots fit the vote`, `${ballots.length} 张选票均符合本次表决`);
  });

  // 9. Sorted by hash: the record must not carry arrival order.
  const hashes = ballots.map((b) => {
    try {
      return bytesToHex(sha256Canonical(b));
    } catch {
      return '';
    }
  });
  await run('ballotOrder', () => {
    for (let i = 1; i < hashes.length; i++) {
      if (compareStrings(hashes[i - 1]!, hashes[i]!) >= 0) return fail('ballot_order', `ballot ${i} is not after ballot ${i - 1} in hash order`, `按哈希顺序，选票 #${i} 没有排在选票 #${i - 1} 之后`);
    }
    return pass('strictly ascending by ballot hash', '按选票哈希严格升序排列');
  });

  // 10. No token twice.
  await run('tokensUnique', () => {
    const seen = new Map<string, number>();
    for (const [i, b] of ballots.entries()) {
      const t = (b as unknown as Record<string, unknown>)[tokenField];
      if (typeof t !== 'string') continue;
      const first = seen.get(t);
      if (first !== undefined) return fail('token_reused', `ballots ${first} and ${i} carry the same token`, `选票 #${first} 与选票 #${i} 使用同一票证`);
      seen.set(t, i);
    }
    return pass(`${seen.size} distinct tokens`, `${seen.size} 张互不相同的票证`);
  });

  // 11. Token signatures: one batch check (started above), bisection only to name the bad ones.
  await run('tokenSignatures', async () => {
    const { items, index, bad } = tokenWork;
    const settled = await tokenSums;
    if (!settled.ok) throw settled.error;
    const sums = settled.value;
    let complete = true;
    if (!sums.ok || !checkBatchSums(key, sums.sums)) {
      // Name the bad ones (rare: a failed record). Budgeted, so a swapped key cannot take hours.
      const located = locateInvalidTokens(key, items, options.randomBytes, { maxPairings: options.maxLocatePairings ?? 64 });
      complete = located.complete;
      bad.push(...located.bad.map((k) => index[k]!));
      if (bad.length === 0) bad.push(...(sums.ok ? [] : sums.bad.map((k) => index[k]!)));
      if (bad.length === 0) return fail('token_signature_invalid', 'the batch check fails but no single ballot could be named within the budget', '批量验证未通过，但在限定计算量内未能指出具体哪张选票');
    }
    bad.sort((a, b) => a - b);
    if (bad.length > 0) {
      const shown = bad.length > 20 ? `${bad.slice(0, 20).join(', ')} … (${bad.length})` : bad.join(', ');
      const shownZh = bad.length > 20 ? `${bad.slice(0, 20).map((i) => `#${i}`).join('、')} …（共 ${bad.length} 张）` : bad.map((i) => `#${i}`).join('、');
      return fail('token_signature_invalid', `ballot${bad.length > 1 ? 's' : ''} ${shown}${complete ? '' : ' and possibly others'}: token signature does not verify under the vote key`, `选票 ${shownZh}${complete ? '' : '（可能还有其他）'}：票证签名在表决公钥下无效`);
    }
    return pass(`${ballots.length} token signatures verify (batch)`, `${ballots.length} 个票证签名有效（批量验证）`);
  });

  // 12. (Version 2) Ballot signatures: each one-time key signed its ballot's marks. One batch
  //     (Ed25519, as for device signatures); a failure names the ballot by its hash.
  if (v === 2) {
    await run('ballotSignatures', async () => {
      const signed = wellFormed.flatMap((b, i) => (b ? [{ i, check: ballotSignatureCheck(b as BallotV2) }] : []));
      const results = await accelerator.deviceSignatures(signed.map((s) => s.check));
      const bad = signed.filter((_, k) => results[k] !== true).map((s) => s.i);
      if (bad.length > 0) {
        const named = bad.slice(0, 20).map((i) => hashes[i] || `#${i}`);
        return fail('ballot_signature_invalid', `ballot${bad.length > 1 ? 's' : ''} ${named.join(', ')}${bad.length > 20 ? ` … (${bad.length})` : ''}: the ballot signature over the marks does not verify under its ballot public key`, `选票 ${named.join('、')}${bad.length > 20 ? ` …（共 ${bad.length} 张）` : ''}：划票内容的签名在其选票公钥下无效`);
      }
      if (signed.length !== ballots.length) return fail('not_checked', 'not every ballot checked: a ballot is malformed', '未能检查全部选票：有选票格式不正确');
      return pass(`${ballots.length} ballot signatures verify (batch): no mark was changed after casting`, `${ballots.length} 个选票签名有效（批量验证）：投出后划票内容未被改动`);
    });
  }

  // 13, 14. (Version 2) The members' confirmations and the inspectors' countersignatures.
  if (v === 2) {
    const closeContext = { entries, definition: def, closed: closed_, attendance, verify: (checks: readonly DeviceSignatureCheck[]) => accelerator.deviceSignatures(checks) };
    await run('confirmations', () => checkConfirmations(closeContext, issuances, ballots.length));
    if (!options.beforeCountersigning) await run('countersignatures', () => checkCountersignatures(closeContext));
  }

  // 15. Recount.
  await run('tally', () => {
    if (wellFormed.some((b) => b === null)) return fail('not_checked', 'not recounted: a ballot is malformed', '未重新计票：有选票格式不正确');
    const recomputed = computeTally(def, wellFormed, { issued: issuedCount, present: presentCount });
    let published: string;
    try {
      published = bytesToHex(canonicalBytes(tally));
    } catch {
      return fail('tally_mismatch', 'the published tally cannot be canonicalised', '公布的计票结果无法规范化');
    }
    if (bytesToHex(canonicalBytes(recomputed)) !== published) return fail('tally_mismatch', describeDifference(recomputed, tally, 'en'), `重新计票与公布的计票结果不一致：${describeDifference(recomputed, tally, 'zh')}`);
    return pass('the recount equals the published tally, outcomes included', '重新计票与公布的计票结果一致（含表决结论）');
  });

  // 16. The service's signature on the tally.
  await run('tallySignature', async () => {
    try {
      await verifyTallySignature(tallySignature, options.jwks, tally);
    } catch (e) {
      return fail('tally_signature_invalid', (e as Error).message, `计票结果签名无效：${reasonZh(e)}`);
    }
    return pass('EdDSA signature by the service key over the published tally', '服务密钥对公布的计票结果所作的 EdDSA 签名有效');
  });

  return finish(head, tally);
}

/** A promise that never rejects (so starting work early cannot raise an unhandled rejection). */
function settle<T>(start: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return start().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  } catch (error) {
    return Promise.resolve({ ok: false as const, error });
  }
}

/** A reason in English and in Chinese. */
interface Reason {
  en: string;
  zh: string;
}

/** Why the entries cannot be hashed as JCS (a lone surrogate in a string has no UTF-8), or null. */
function unencodable(entries: unknown[]): Reason | null {
  for (const [i, e] of entries.entries()) {
    try {
      canonicalBytes(e);
    } catch (cause) {
      return { en: `entries.${i} has no canonical JSON form: ${(cause as Error).message}`, zh: `entries.${i} 没有规范的 JSON 形式（含无法编码为 UTF-8 的字符，如孤立的代理项）` };
    }
  }
  return null;
}

function sha256Canonical(value: unknown): Uint8Array {
  return sha256(canonicalBytes(value));
}

/** The first differing path between the recount and the published tally, for a readable report. */
function describeDifference(expected: unknown, actual: unknown, lang: 'en' | 'zh', path = 'tally'): string {
  if (typeof expected !== typeof actual || Array.isArray(expected) !== Array.isArray(actual) || expected === null || actual === null || typeof expected !== 'object') {
    return lang === 'en'
      ? `${path}: recount gives ${JSON.stringify(expected)}, published ${JSON.stringify(actual)}`
      : `${path}：重新计票得 ${valueZh(path, expected)}，公布为 ${valueZh(path, actual)}`;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  for (const k of new Set([...Object.keys(e), ...Object.keys(a)])) {
    const ek = canonicalOrNull(e[k]);
    if (ek !== canonicalOrNull(a[k])) return describeDifference(e[k], a[k], lang, `${path}.${k}`);
  }
  return lang === 'en' ? `${path} differs` : `${path} 不同`;
}

/** A candidate's outcome as the report names it in Chinese. */
const OUTCOME_ZH: Record<string, string> = { elected: '通过', not_elected: '未通过', undecided: '未决' };

/** A tally value in the Chinese report: an outcome by its Chinese name, anything else as JSON. */
function valueZh(path: string, value: unknown): string {
  if (path.endsWith('.outcome') && typeof value === 'string' && Object.hasOwn(OUTCOME_ZH, value)) return OUTCOME_ZH[value]!;
  return JSON.stringify(value);
}

function canonicalOrNull(v: unknown): string | null {
  try {
    return v === undefined ? null : bytesToHex(canonicalBytes(v));
  } catch {
    return null;
  }
}
