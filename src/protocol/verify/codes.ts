// What a verification reports: the fault codes, the checks in report order with their names
// (zh, en), and the report's shape. A new check adds its id and names to CHECKS (the report
// order) and one line to the driver's list in ../verifier.ts.
import type { ChainHead } from '../chain.ts';
import type { Tally } from '../tally.ts';
import type { ProtocolVersion } from '../version.ts';

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
  confirmations: {
    zh: '投票委员确认其选票在列，选票数不超过确认数',
    en: 'Members who cast confirmed their ballots are in; no more ballots than confirmations',
  },
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
