// Vote definitions and ballots: the shapes, and the rules a ballot must follow to be counted.
// Wire format of every binary field: base64url without padding (RFC 4648 §5).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, canonicalBytes } from './encoding.ts';
import { ProtocolError, reasonZh } from './errors.ts';
import { decodeB64, expectArray, expectInt, expectObject, expectOneOf, expectString, isPlainObject } from './guards.ts';
import { G1_LENGTH, G2_LENGTH, TOKEN_LENGTH } from './tokens.ts';
import { versionOf, type ProtocolVersion } from './version.ts';
import { CANDIDATE_RATIO_MAX, CANDIDATE_RATIO_MIN, CANDIDATES_MAX, ENTITLED_MAX, ITEMS_MAX, QUORUM_TERM_MAX, SEATS_MAX } from './limits.ts';
import { allowedCells, checkItemMix, isRecommendationOverMarked, isShapedItem, parseShapedItem, type ShapedItem } from './shapes.ts';

/** Version 2: the ballot's one-time Ed25519 public key (RFC 8032), 32 bytes. */
export const BALLOT_KEY_LENGTH = 32;
/** Version 2: the Ed25519 signature of the one-time key over the marks, 64 bytes. */
export const BALLOT_SIGNATURE_LENGTH = 64;

/** 同意 / 不同意 / 弃权 / 缓议. */
export const MARKS = ['approve', 'disapprove', 'abstain', 'defer'] as const;
export type Mark = (typeof MARKS)[number];

/** Each mark as a ballot prints it. */
export const MARK_ZH: Record<Mark, string> = { approve: '同意', disapprove: '不同意', abstain: '弃权', defer: '缓议' };

/** A mark's Chinese name; anything that is not a mark, quoted as JSON. */
export function markZh(mark: unknown): string {
  return typeof mark === 'string' && Object.hasOwn(MARK_ZH, mark) ? MARK_ZH[mark as Mark] : (JSON.stringify(mark) ?? String(mark));
}

export interface Candidate {
  candidateId: string;
  name: string;
  /** 现任职务: the candidate's current post. Absent when not given (and in every older record). */
  currentPost?: string;
  /** 拟任职务: the post proposed for the candidate; absent means the item's `post`. */
  proposedPost?: string;
}

/** Longest 现任职务 / 拟任职务 a definition may carry, in UTF-16 code units (as the item's `post`). */
export const CANDIDATE_POST_MAX = 512;

/**
 * Characters a candidate's post must not hold: every C0 control character (tab and line breaks
 * included: a post is one line on the ballot and the report), DEL, C1 controls, U+2028 and U+2029, lone surrogates
 * and the Unicode non-characters.
 */
const POST_FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\p{Surrogate}\p{Noncharacter_Code_Point}]/u;

/** True when `post` holds none of the characters a candidate's post must not hold (see POST_FORBIDDEN). */
export function isOneLinePost(post: string): boolean {
  return !POST_FORBIDDEN.test(post);
}

/** The 拟任职务 shown for a candidate: its own when given, else the item's post. */
export function proposedPostOf(item: Pick<VoteItem, 'post'>, candidate: Candidate): string {
  return candidate.proposedPost ?? item.post;
}

export interface VoteItem {
  itemId: string;
  /** The post (职务) this item fills. */
  post: string;
  /** k: how many candidates the item elects. */
  seats: number;
  /** In surname stroke order, as the service sorted them; the ballot and the tally keep this order. */
  candidates: Candidate[];
}

/** Any item of a definition: a committee item (confirmation / differential) or a shaped one (shapes.ts). */
export type DefinitionItem = VoteItem | ShapedItem;

/** The committee items (confirmation / differential), typed as such. */
export function isCommitteeItem(item: DefinitionItem): item is VoteItem {
  return !isShapedItem(item);
}

/**
 * The definition as a committee vote: its committee items only (none for a recommendation or
 * evaluation vote). For code that shows committee votes and does not yet know the shapes.
 */
export function asCommitteeDefinition(definition: AnyVoteDefinition): VoteDefinition {
  return { ...definition, items: committeeItems(definition) };
}

/** A vote's committee items; empty for a recommendation or evaluation vote. */
export function committeeItems(definition: Pick<AnyVoteDefinition, 'items'>): VoteItem[] {
  return definition.items.filter(isCommitteeItem);
}

export interface Fraction {
  num: number;
  den: number;
}

export interface VoteRules {
  /** Approval needs approve > base/2, base = 应到 (entitled) or 实到 (present). */
  majorityBase: 'entitled' | 'present';
  /** Meeting quorum as a fraction of entitled members (2/3 for personnel decisions). */
  quorum: Fraction;
  /** Minimum candidates per seat for a differential item: n ≥ k × ratio (1.5 = "1 : 1.5"). */
  minCandidateRatio: number;
  collation: 'surname' | 'fullname';
}

/**
 * A vote definition. The type parameter is what its items may be: VoteDefinition (the default)
 * is a committee vote (confirmation / differential items only), as the service's pages handle it;
 * AnyVoteDefinition may also hold a recommendation or evaluation item (shapes.ts). The record's
 * parser, the ballot validator, the tally and the verifier take AnyVoteDefinition.
 */
export interface VoteDefinition<I extends DefinitionItem = VoteItem> {
  voteId: string;
  committeeId: string;
  meetingId: string;
  title: string;
  /** Committee items only, or exactly one recommendation item, or exactly one evaluation item (checkItemMix). */
  items: I[];
  /** The marks this vote offers, always including 'approve'. */
  marks: Mark[];
  rules: VoteRules;
  /**
   * 应到: active voting members of the committee when the vote was created. 实到 is not part of
   * the definition: members sign in after the vote is created; it is fixed at close from the
   * meeting's latest attendance entry (see computeTally).
   */
  entitled: number;
  /** 96-byte compressed G2 vote key, base64url. */
  publicKey: string;
  /** Protocol version 2 (absent in version 1 definitions). */
  version?: 2;
  /** Version 2: the vote this one is a run-off (再次票决) of, or null. Absent in version 1. */
  runoffOf?: string | null;
}

/**
 * Any ballot's choices: itemId → candidateId → cell. A committee item's cell is a Mark; a recommendation item's is
 * `recommend` or `blank`; an evaluation item's a grade code or `abstain` (shapes.ts).
 */
/** A definition whose items may be of any shape. */
export type AnyVoteDefinition = VoteDefinition<DefinitionItem>;

export type AnyChoices = Record<string, Record<string, string>>;

/** A committee vote's choices: every cell a Mark. */
export type Choices = Record<string, Record<string, Mark>>;

/** A version-1 ballot: the token covers H(voteId ‖ t) only, not the marks. */
export interface BallotV1 {
  voteId: string;
  /** 32-byte token, base64url. */
  t: string;
  /** 48-byte compressed G1 token signature, base64url. */
  signature: string;
  /** itemId → candidateId → mark; every item and every candidate of it, nothing else. */
  choices: AnyChoices;
}

/**
 * A version-2 ballot: the token is a blind signature on H(voteId ‖ ballotPublicKey), and the
 * one-time key signs { voteId, choices, purpose } — so no mark can change without the token's
 * owner, and the ballot public key is the token's identity (spent once).
 */
export interface BallotV2 {
  voteId: string;
  /** 32-byte Ed25519 public key made on the device for this vote only, base64url. */
  ballotPublicKey: string;
  /** 48-byte compressed G1 token signature on H(voteId ‖ ballotPublicKey), base64url. */
  signature: string;
  /** 64-byte Ed25519 signature by ballotPublicKey over ballotMessage(voteId, choices), base64url. */
  ballotSignature: string;
  choices: AnyChoices;
}

export type Ballot = BallotV1 | BallotV2;

export function isBallotV2(ballot: Ballot): ballot is BallotV2 {
  return 'ballotPublicKey' in ballot;
}

/** What a ballot spends, once per vote: t (version 1) or the ballot public key (version 2). */
export function ballotTokenId(ballot: Ballot): string {
  return isBallotV2(ballot) ? ballot.ballotPublicKey : ballot.t;
}

export type ItemKind = 'confirmation' | 'differential';

/** 等额 (n = k) or 差额 (n > k). n < k is not a valid item. */
export function itemKind(item: Pick<VoteItem, 'seats' | 'candidates'>): ItemKind {
  return item.candidates.length > item.seats ? 'differential' : 'confirmation';
}

/** How many candidates a differential item with k seats needs: ⌈k × ratio⌉ (k=1 → 2, k=2 → 3, k=3 → 5 at 1.5). */
export function minimumCandidates(seats: number, ratio: number): number {
  // The epsilon keeps decimal ratios exact (1.2 × 5 = 6.000000000000001 in binary floating point).
  return Math.ceil(seats * ratio - 1e-9);
}

/**
 * "1 : 1.5" means at least 1.5 candidates per seat: n ≥ k × 1.5, i.e. n ≥ ⌈1.5k⌉. Applies to
 * differential items only (a confirmation item, n = k, is exempt), and only at creation: a
 * run-off (再次票决) among tied candidates is exempt because its candidates are fixed by the tie.
 * Throws ProtocolError('candidate_ratio_too_low').
 */
export function checkCandidateRatio(item: Pick<VoteItem, 'itemId' | 'seats' | 'candidates'> | ShapedItem, ratio: number): void {
  if (isShapedItem(item) || itemKind(item) !== 'differential') return;
  const need = minimumCandidates(item.seats, ratio);
  if (item.candidates.length < need) {
    throw new ProtocolError(
      'candidate_ratio_too_low',
      `item ${item.itemId}: ${item.seats} seats need at least ${need} candidates (ratio 1 : ${ratio}), got ${item.candidates.length}`,
      {
        field: `items.${item.itemId}.candidates`,
        zh: `事项 ${item.itemId}：${item.seats} 个名额至少需要 ${need} 名候选人（比例 1 : ${ratio}），实有 ${item.candidates.length} 名`,
      },
    );
  }
}

/** present ≥ entitled × num/den, in integers ("以上" includes the boundary). */
export function hasQuorum(present: number, entitled: number, quorum: Fraction): boolean {
  return present * quorum.den >= entitled * quorum.num;
}

/** The smallest number present that has quorum: ⌈entitled × num/den⌉, in integers. */
export function quorumRequired(entitled: number, quorum: Fraction): number {
  return Math.ceil((entitled * quorum.num) / quorum.den);
}

const RULE_KEYS = ['majorityBase', 'quorum', 'minCandidateRatio', 'collation'] as const;

export function parseVoteRules(value: unknown, field = 'rules'): VoteRules {
  const o = expectObject(value, field, 'invalid_definition', RULE_KEYS);
  const q = expectObject(o.quorum, `${field}.quorum`, 'invalid_definition', ['num', 'den']);
  const num = expectInt(q.num, `${field}.quorum.num`, 'invalid_definition', 1, QUORUM_TERM_MAX);
  const den = expectInt(q.den, `${field}.quorum.den`, 'invalid_definition', 1, QUORUM_TERM_MAX);
  if (num > den)
    throw new ProtocolError('invalid_definition', `${field}.quorum must not exceed 1`, { field: `${field}.quorum`, zh: `${field}.quorum 不得大于 1` });
  const ratio = o.minCandidateRatio;
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < CANDIDATE_RATIO_MIN || ratio > CANDIDATE_RATIO_MAX) {
    throw new ProtocolError('invalid_definition', `${field}.minCandidateRatio must be a number in [${CANDIDATE_RATIO_MIN}, ${CANDIDATE_RATIO_MAX}]`, {
      field: `${field}.minCandidateRatio`,
      zh: `${field}.minCandidateRatio 必须是 ${CANDIDATE_RATIO_MIN} 至 ${CANDIDATE_RATIO_MAX} 之间的数`,
    });
  }
  return {
    majorityBase: expectOneOf(o.majorityBase, ['entitled', 'present'] as const, `${field}.majorityBase`, 'invalid_definition'),
    quorum: { num, den },
    minCandidateRatio: ratio,
    collation: expectOneOf(o.collation, ['surname', 'fullname'] as const, `${field}.collation`, 'invalid_definition'),
  };
}

/**
 * Reads a mark list (a vote's or a committee's): distinct marks from MARKS, including 'approve'.
 * Throws ProtocolError(code) naming the field.
 */
export function parseMarks(value: unknown, field = 'marks', code: 'invalid_definition' | 'invalid_entry' = 'invalid_definition'): Mark[] {
  const raw = expectArray(value, field, code);
  const marks = raw.map((m, i) => expectOneOf(m, MARKS, `${field}.${i}`, code));
  if (new Set(marks).size !== marks.length || !marks.includes('approve')) {
    throw new ProtocolError(code, `${field} must be distinct and include approve`, { field, zh: `${field} 必须互不重复且包含“同意”` });
  }
  return marks;
}

const CANDIDATE_POST_KEYS = ['currentPost', 'proposedPost'] as const;

function expectPost(value: unknown, field: string): string {
  const post = expectString(value, field, 'invalid_definition', CANDIDATE_POST_MAX);
  if (!isOneLinePost(post) || post.trim() !== post) {
    throw new ProtocolError('invalid_definition', `${field} must be one line without control characters or surrounding spaces`, {
      field,
      zh: `${field} 必须为单行，不含控制字符，首尾无空格`,
    });
  }
  return post;
}

const DEFINITION_KEYS = ['voteId', 'committeeId', 'meetingId', 'title', 'items', 'marks', 'rules', 'entitled', 'publicKey'] as const;
/** Version 2 adds the version itself and what the vote is a run-off of (null when it is not one). */
const DEFINITION_KEYS_V2 = [...DEFINITION_KEYS, 'version', 'runoffOf'] as const;

/**
 * Reads a vote definition from untrusted JSON (the record) and checks its structure: unique
 * ids, 1 ≤ k ≤ n, marks a set including 'approve', entitled ≥ 1, a 96-byte key encoding
 * (point validity is the verifier's key check). Does not apply the candidate ratio (see
 * checkCandidateRatio). Throws ProtocolError('invalid_definition') naming the field.
 */
export function parseVoteDefinition(value: unknown): AnyVoteDefinition {
  const code = 'invalid_definition';
  const v2 = isPlainObject(value) && 'version' in value;
  const o = expectObject(value, 'definition', code, v2 ? DEFINITION_KEYS_V2 : DEFINITION_KEYS);
  if (v2 && o.version !== 2)
    throw new ProtocolError(code, 'version must be 2 (version 1 definitions carry no version)', {
      field: 'version',
      zh: 'version 必须为 2（第 1 版表决定义不载 version）',
    });
  if (v2 && o.runoffOf !== null) expectString(o.runoffOf, 'runoffOf', code, 256);
  const itemsRaw = expectArray(o.items, 'items', code);
  if (itemsRaw.length === 0 || itemsRaw.length > ITEMS_MAX)
    throw new ProtocolError(code, `items must hold 1 to ${ITEMS_MAX} items`, { field: 'items', zh: `items 必须包含 1 至 ${ITEMS_MAX} 个事项` });
  checkItemMix(itemsRaw, v2 ? 2 : undefined);
  const readCandidates = (value: unknown, field: string): Candidate[] => {
    const candRaw = expectArray(value, field, code);
    const candidateIds = new Set<string>();
    return candRaw.map((c, j): Candidate => {
      const f = `${field}.${j}`;
      // Version 2: currentPost and proposedPost are optional, present only when given, so a
      // definition without them is exactly the one written before they existed. Version 1 has neither.
      const keys = ['candidateId', 'name', ...(v2 ? CANDIDATE_POST_KEYS.filter((k) => isPlainObject(c) && k in c) : [])];
      const co = expectObject(c, f, code, keys);
      const candidateId = expectString(co.candidateId, `${f}.candidateId`, code, 128);
      if (candidateIds.has(candidateId))
        throw new ProtocolError(code, `${f}.candidateId repeats ${candidateId}`, {
          field: `${f}.candidateId`,
          zh: `${f}.candidateId 与前面的候选人重复（${candidateId}）`,
        });
      candidateIds.add(candidateId);
      const candidate: Candidate = { candidateId, name: expectString(co.name, `${f}.name`, code, 256) };
      for (const k of CANDIDATE_POST_KEYS) {
        if (k in co) candidate[k] = expectPost(co[k], `${f}.${k}`);
      }
      return candidate;
    });
  };
  const itemIds = new Set<string>();
  const items = itemsRaw.map((raw, i): DefinitionItem => {
    const item = isShapedItem(raw) ? parseShapedItem(raw, `items.${i}`, readCandidates) : readCommitteeItem(raw, i);
    if (itemIds.has(item.itemId))
      throw new ProtocolError(code, `items.${i}.itemId repeats ${item.itemId}`, {
        field: `items.${i}.itemId`,
        zh: `items.${i}.itemId 与前面的事项重复（${item.itemId}）`,
      });
    itemIds.add(item.itemId);
    return item;
  });
  function readCommitteeItem(raw: unknown, i: number): VoteItem {
    const it = expectObject(raw, `items.${i}`, code, ['itemId', 'post', 'seats', 'candidates']);
    const itemId = expectString(it.itemId, `items.${i}.itemId`, code, 128);
    const candidates = readCandidates(it.candidates, `items.${i}.candidates`);
    const seats = expectInt(it.seats, `items.${i}.seats`, code, 1, SEATS_MAX);
    if (candidates.length < seats || candidates.length > CANDIDATES_MAX) {
      throw new ProtocolError(code, `items.${i} needs at least as many candidates as seats`, {
        field: `items.${i}.candidates`,
        zh: `items.${i} 的候选人数不得少于名额数（且至多 ${CANDIDATES_MAX} 名）`,
      });
    }
    return { itemId, post: expectString(it.post, `items.${i}.post`, code, 512), seats, candidates };
  }
  const marks = parseMarks(o.marks, 'marks', code);
  const entitled = expectInt(o.entitled, 'entitled', code, 1, ENTITLED_MAX);
  const publicKey = expectString(o.publicKey, 'publicKey', code, 200);
  try {
    decodeB64(publicKey, G2_LENGTH, 'publicKey');
  } catch (cause) {
    throw new ProtocolError(code, 'publicKey must be 96 bytes of base64url', { field: 'publicKey', cause, zh: 'publicKey 必须是 96 字节的 base64url 编码' });
  }
  return {
    voteId: expectString(o.voteId, 'voteId', code, 256),
    committeeId: expectString(o.committeeId, 'committeeId', code, 256),
    meetingId: expectString(o.meetingId, 'meetingId', code, 256),
    title: expectString(o.title, 'title', code, 1024),
    items,
    marks,
    rules: parseVoteRules(o.rules),
    entitled,
    publicKey,
    ...(v2 ? { version: 2 as const, runoffOf: o.runoffOf as string | null } : {}),
  };
}

const BALLOT_KEYS: Record<ProtocolVersion, readonly string[]> = {
  1: ['voteId', 't', 'signature', 'choices'],
  2: ['voteId', 'ballotPublicKey', 'signature', 'ballotSignature', 'choices'],
};

/**
 * Checks a ballot (attacker-controlled: it arrives without credentials) against its vote, in
 * the shape of the vote's version. Throws ProtocolError('invalid_ballot') naming the field for:
 * wrong or extra fields, wrong vote, t (v1) or ballotPublicKey (v2) not 32 bytes, signature
 * not 48 bytes, ballotSignature (v2) not 64 bytes, unknown or missing item, unknown or missing
 * candidate, a mark the vote does not offer. Does NOT check the token or ballot signatures
 * (tokens.ts, ballot-v2.ts) and does NOT refuse over-marked items: those are valid input,
 * counted 无效 for that item. Returns the ballot typed, with exactly its version's fields.
 */
export function validateBallot(definition: AnyVoteDefinition, ballot: unknown): Ballot {
  const code = 'invalid_ballot';
  const version = versionOf(definition);
  const b = expectObject(ballot, 'ballot', code, BALLOT_KEYS[version]);
  if (b.voteId !== definition.voteId)
    throw new ProtocolError(code, 'ballot.voteId does not name this vote', { field: 'voteId', zh: 'ballot.voteId 不是本次表决' });
  try {
    if (version === 2) {
      decodeB64(b.ballotPublicKey, BALLOT_KEY_LENGTH, 'ballotPublicKey');
      decodeB64(b.ballotSignature, BALLOT_SIGNATURE_LENGTH, 'ballotSignature');
    } else {
      decodeB64(b.t, TOKEN_LENGTH, 't');
    }
    decodeB64(b.signature, G1_LENGTH, 'signature');
  } catch (cause) {
    const field = (cause as ProtocolError).field ?? 'ballot';
    throw new ProtocolError(code, `${field}: ${(cause as Error).message}`, { field, cause, zh: `${field}：${reasonZh(cause)}` });
  }
  if (!isPlainObject(b.choices)) throw new ProtocolError(code, 'choices must be an object', { field: 'choices', zh: 'choices 必须是对象' });
  const choices = b.choices;
  for (const itemId of Object.keys(choices)) {
    if (!definition.items.some((it) => it.itemId === itemId)) {
      throw new ProtocolError(code, `choices.${itemId} is not an item of this vote`, {
        field: `choices.${itemId}`,
        zh: `choices.${itemId} 不是本次表决的事项`,
      });
    }
  }
  for (const item of definition.items) {
    const marks = choices[item.itemId];
    if (marks === undefined)
      throw new ProtocolError(code, `choices.${item.itemId} is missing`, { field: `choices.${item.itemId}`, zh: `缺少 choices.${item.itemId}` });
    if (!isPlainObject(marks))
      throw new ProtocolError(code, `choices.${item.itemId} must be an object`, { field: `choices.${item.itemId}`, zh: `choices.${item.itemId} 必须是对象` });
    // A set, not a scan: a 民主推荐 list runs to hundreds of names, checked on every ballot.
    const ids = new Set(item.candidates.map((c) => c.candidateId));
    for (const candidateId of Object.keys(marks)) {
      if (!ids.has(candidateId)) {
        throw new ProtocolError(code, `choices.${item.itemId}.${candidateId} is not a candidate of this item`, {
          field: `choices.${item.itemId}.${candidateId}`,
          zh: `choices.${item.itemId}.${candidateId} 不是该事项的候选人`,
        });
      }
    }
    // A committee item offers the vote's marks; a shaped item its own cells (shapes.ts).
    const allowed: readonly string[] = isShapedItem(item) ? allowedCells(item) : definition.marks;
    for (const c of item.candidates) {
      const field = `choices.${item.itemId}.${c.candidateId}`;
      const mark = marks[c.candidateId];
      if (mark === undefined) throw new ProtocolError(code, `${field} is missing`, { field, zh: `缺少 ${field}` });
      if (typeof mark !== 'string' || !allowed.includes(mark)) {
        const zh = isShapedItem(item) ? allowed.join('、') : definition.marks.map(markZh).join('、');
        throw new ProtocolError(code, `${field} must be one of ${allowed.join(', ')}`, { field, zh: `${field} 必须是本次表决提供的划票选项之一：${zh}` });
      }
    }
  }
  return ballot as Ballot;
}

/**
 * True when the ballot gives 'approve' to more candidates than the item has seats (无效 for that
 * item), or, for a recommendation item, marks more than k names (the ballot is 无效).
 */
export function isItemOverMarked(item: DefinitionItem, marks: Record<string, string> | undefined): boolean {
  if (!marks) return false;
  if (isShapedItem(item)) return item.shape === 'recommendation' && isRecommendationOverMarked(item, marks);
  let approvals = 0;
  for (const c of item.candidates) if (marks[c.candidateId] === 'approve') approvals++;
  return approvals > item.seats;
}

/** Item ids the client should warn about before sending (the ballot is still accepted). */
export function overMarkedItems(definition: AnyVoteDefinition, choices: AnyChoices): string[] {
  return definition.items.filter((it) => isItemOverMarked(it, choices[it.itemId])).map((it) => it.itemId);
}

/** Lower-case hex SHA-256 over the RFC 8785 canonical JSON of the ballot (exactly its version's fields). */
export function ballotHash(ballot: Ballot): string {
  if (isBallotV2(ballot)) {
    const { voteId, ballotPublicKey, signature, ballotSignature, choices } = ballot;
    return bytesToHex(sha256(canonicalBytes({ voteId, ballotPublicKey, signature, ballotSignature, choices })));
  }
  const { voteId, t, signature, choices } = ballot;
  return bytesToHex(sha256(canonicalBytes({ voteId, t, signature, choices })));
}
