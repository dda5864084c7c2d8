// A committee's record: one append-only hash chain per committee.
//
// Entry  = { committeeId, seq, prev, kind, body, hash }
// hash   = lower-case hex SHA-256( RFC 8785 canonical JSON of the entry without `hash` )
// prev   = hash of entry seq − 1; GENESIS_PREV (64 zeros) for seq 0. seq counts 0, 1, 2, …
// Entries carry no timestamps: nothing in the record may reveal when a ballot arrived.
import { sha256 } from '@noble/hashes/sha2.js';
import { parseMarks, parseVoteDefinition, parseVoteRules, type Ballot, type Mark, type AnyVoteDefinition, type VoteRules } from './ballot.ts';
import { deviceKeyFingerprint, DEVICE_ALGORITHMS, type DevicePublicKey } from './device-key.ts';
import { bytesToHex, canonicalBytes } from './encoding.ts';
import { ProtocolError, reasonZh } from './errors.ts';
import { decodeB64, expectArray, expectHex64, expectInt, expectObject, expectOneOf, expectString, isPlainObject } from './guards.ts';
import type { MemberSignature, UnconfirmedDecision } from './close.ts';
import { DECISION_REASON_MAX } from './close.ts';
import type { Tally } from './tally.ts';
import { parseCompositeBody, type CompositeBody } from './composite.ts';
import { G1_LENGTH } from './tokens.ts';
import { checkPinnedHead, type PinOptions } from './pinned-head.ts';

export const GENESIS_PREV = '0'.repeat(64);

export interface RosterMember {
  memberId: string;
  name: string;
  /** Has a vote (表决权); 应到 counts active members with a voting right. */
  votingRight: boolean;
  active: boolean;
}

/** One token issuance as the record keeps it: who asked, with which device, for which blinded point. */
export interface Issuance {
  memberId: string;
  /** 48-byte compressed G1 point, base64url: what the member's device sent. */
  blindedPoint: string;
  /** The device's signature over tokenRequestMessage(voteId, blindedPoint), base64url. */
  deviceSignature: string;
  /** deviceKeyFingerprint of the signing device (hex), enrolled earlier in the chain. */
  deviceFingerprint: string;
}

export interface EntryBodies {
  /** The committee's counting rules and the marks its ballots offer (distinct, including 'approve'). */
  'committee.created': { name: string; kind: string; rules: VoteRules; marks: Mark[] };
  /** A full snapshot of the roster after the change, sorted by memberId. */
  'roster.changed': { members: RosterMember[] };
  'device.enrolled': { memberId: string; device: DevicePublicKey; fingerprint: string };
  /** From version 2 `by` names the administrator (or the member) who revoked the device. */
  'device.revoked': { memberId: string; fingerprint: string; by?: string };
  /**
   * 实到 of a meeting: present member ids sorted; re-recording supersedes the earlier entry. The
   * latest one before a vote's vote.closed entry is that vote's 实到 (it may follow vote.created).
   */
  'attendance.recorded': { meetingId: string; present: string[]; entitled: number; by?: string };
  /**
   * Candidates already in stroke order; the definition carries the vote's public key. From
   * version 2 (definition.version = 2) `by` names the secretary who created the vote.
   */
  'vote.created': { definition: AnyVoteDefinition; by?: string };
  /**
   * Issuances sorted by memberId, ballots sorted by ballotHash, tally and its compact JWS. From
   * version 2 (close.ts) also the secretary who closed (`by`), the members' confirmations, the
   * decision on unconfirmed ballots (or null) and the inspectors' countersignatures, each list
   * sorted by memberId.
   */
  'vote.closed': {
    voteId: string;
    issuances: Issuance[];
    ballots: Ballot[];
    tally: Tally;
    tallySignature: string;
    by?: string;
    confirmations?: MemberSignature[];
    decision?: UnconfirmedDecision | null;
    countersignatures?: MemberSignature[];
    /**
     * (v2, a vote of a meeting of participants holding slips, issue 15) the blinded points the
     * service signed, one per slip that asked, strictly ascending; `issuances` is then empty.
     */
    slipTokens?: string[];
  };
  /**
   * (v2, issue 15) 实到 of a meeting of participants: the number of participation slips issued
   * (printed and not voided) after a batch or a void. The latest before a vote's vote.closed is
   * that vote's 实到. `by` is the secretary.
   */
  'slips.issued': { meetingId: string; issued: number; by: string };
  /** The meeting's inspectors (监票人), sorted member ids; a later entry replaces the earlier. `by` is the secretary. */
  'inspectors.designated': { meetingId: string; inspectors: string[]; by: string };
  // Grants of power (protocol version 2). `by` is the administrator who acted.
  /** An administrator of the service; recorded on every committee's chain. */
  'admin.granted': { personId: string };
  'secretary.appointed': { personId: string; by: string };
  'secretary.removed': { personId: string; by: string };
  /** A one-time enrolment code was issued for the member (never the code itself). */
  'enrolment.issued': { memberId: string; by: string };
  /**
   * A 三元测评 composite (composite.ts): its sources (each an evaluation vote's record and the
   * head verified), weights, points scale and the composite per cadre. `by` is the secretary.
   */
  'composite.published': CompositeBody;
}

export type EntryKind = keyof EntryBodies;
export type EntryBody<K extends EntryKind> = EntryBodies[K];
export const ENTRY_KINDS: readonly EntryKind[] = [
  'committee.created',
  'roster.changed',
  'device.enrolled',
  'device.revoked',
  'attendance.recorded',
  'vote.created',
  'vote.closed',
  'admin.granted',
  'secretary.appointed',
  'secretary.removed',
  'enrolment.issued',
  'inspectors.designated',
  'composite.published',
  'slips.issued',
];

/** Roster member names, in UTF-16 code units (what the service accepts for a person's name). */
export const MEMBER_NAME_MAX = 64;

interface EntryOf<K extends EntryKind> {
  committeeId: string;
  seq: number;
  prev: string;
  kind: K;
  body: EntryBodies[K];
  hash: string;
}
/** A chain entry, discriminated by kind. */
export type ChainEntry = { [K in EntryKind]: EntryOf<K> }[EntryKind];
export type UnhashedEntry = { [K in EntryKind]: Omit<EntryOf<K>, 'hash'> }[EntryKind];

export interface ChainHead {
  seq: number;
  hash: string;
}

/** What GET /v1/votes/{id}/record serves and a verifier reads: the chain from genesis through the vote's close. */
export interface VoteRecord {
  committeeId: string;
  voteId: string;
  entries: ChainEntry[];
  /** The last entry's seq and hash. */
  head: ChainHead;
}

/** SHA-256 over the canonical entry without its `hash` field (any `hash` present is ignored). */
export function hashEntry(entry: UnhashedEntry | ChainEntry | Record<string, unknown>): string {
  const { committeeId, seq, prev, kind, body } = entry as Record<string, unknown>;
  return bytesToHex(sha256(canonicalBytes({ committeeId, seq, prev, kind, body })));
}

const CODE = 'invalid_entry';

function wrap<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ProtocolError)
      throw new ProtocolError(CODE, `${field}: ${e.message}`, { field: `${field}.${e.field ?? ''}`, cause: e, zh: `${field}：${e.messageZh}` });
    throw e;
  }
}

function parseBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ProtocolError(CODE, `${field} must be a boolean`, { field, zh: `${field} 必须是布尔值` });
  return value;
}

export function parseIssuance(value: unknown, field = 'issuance'): Issuance {
  const o = expectObject(value, field, CODE, ['memberId', 'blindedPoint', 'deviceSignature', 'deviceFingerprint']);
  const blindedPoint = expectString(o.blindedPoint, `${field}.blindedPoint`, CODE, 100);
  wrap(field, () => decodeB64(blindedPoint, G1_LENGTH, 'blindedPoint'));
  return {
    memberId: expectString(o.memberId, `${field}.memberId`, CODE, 256),
    blindedPoint,
    deviceSignature: expectString(o.deviceSignature, `${field}.deviceSignature`, CODE, 200),
    deviceFingerprint: expectHex64(o.deviceFingerprint, `${field}.deviceFingerprint`, CODE),
  };
}

const V1_CLOSE_KEYS = ['voteId', 'issuances', 'ballots', 'tally', 'tallySignature'];

/** Slips one meeting may issue (issue 15: a meeting of up to a few thousand participants). */
export const SLIPS_PER_MEETING_MAX = 5000;

/** At most this many inspectors (监票人) per meeting. */
export const MAX_INSPECTORS = 9;

/** Confirmations or countersignatures: shapes only; the verifier checks order, members and signatures. */
function parseSignatures(value: unknown, field: string): MemberSignature[] {
  return expectArray(value, field, CODE).map((x, i) => {
    const o = expectObject(x, `${field}.${i}`, CODE, ['memberId', 'deviceFingerprint', 'signature']);
    return {
      memberId: expectString(o.memberId, `${field}.${i}.memberId`, CODE, 256),
      deviceFingerprint: expectHex64(o.deviceFingerprint, `${field}.${i}.deviceFingerprint`, CODE),
      signature: expectString(o.signature, `${field}.${i}.signature`, CODE, 200),
    };
  });
}

/** Blinded points of a slips vote's tokens: encodings only; the verifier checks order and points (verify/participation.ts). */
function parseSlipTokens(value: unknown, field: string): string[] {
  return expectArray(value, field, CODE).map((x, i) => {
    const point = expectString(x, `${field}.${i}`, CODE, 100);
    wrap(field, () => decodeB64(point, G1_LENGTH, `${i}`));
    return point;
  });
}

function parseDecision(value: unknown, field: string): UnconfirmedDecision {
  const o = expectObject(value, field, CODE, ['unconfirmed', 'reason', 'by']);
  return {
    unconfirmed: expectInt(o.unconfirmed, `${field}.unconfirmed`, CODE, 1, 100_000),
    reason: expectString(o.reason, `${field}.reason`, CODE, DECISION_REASON_MAX),
    by: expectString(o.by, `${field}.by`, CODE, 256),
  };
}

/**
 * Runtime guard for an entry body (the record is attacker-controlled). Checks shapes and
 * encodings; the verifier checks meaning (signatures, sort orders, counts) with its own codes.
 * Throws ProtocolError('invalid_entry') naming the field.
 */
export function parseEntryBody<K extends EntryKind>(kind: K, value: unknown): EntryBodies[K] {
  const f = 'body';
  switch (kind) {
    case 'committee.created': {
      const o = expectObject(value, f, CODE, ['name', 'kind', 'rules', 'marks']);
      return {
        name: expectString(o.name, `${f}.name`, CODE),
        kind: expectString(o.kind, `${f}.kind`, CODE, 64),
        rules: wrap(`${f}.rules`, () => parseVoteRules(o.rules)),
        marks: parseMarks(o.marks, `${f}.marks`, CODE),
      } as EntryBodies[K];
    }
    case 'roster.changed': {
      const o = expectObject(value, f, CODE, ['members']);
      const members = expectArray(o.members, `${f}.members`, CODE).map((m, i): RosterMember => {
        const mf = `${f}.members.${i}`;
        const mo = expectObject(m, mf, CODE, ['memberId', 'name', 'votingRight', 'active']);
        return {
          memberId: expectString(mo.memberId, `${mf}.memberId`, CODE, 256),
          name: expectString(mo.name, `${mf}.name`, CODE, MEMBER_NAME_MAX),
          votingRight: parseBoolean(mo.votingRight, `${mf}.votingRight`),
          active: parseBoolean(mo.active, `${mf}.active`),
        };
      });
      for (let i = 1; i < members.length; i++) {
        if (!(members[i - 1]!.memberId < members[i]!.memberId)) {
          throw new ProtocolError(CODE, `${f}.members must be sorted by memberId and distinct`, {
            field: `${f}.members.${i}`,
            zh: `${f}.members 必须按 memberId 排序且互不重复`,
          });
        }
      }
      return { members } as EntryBodies[K];
    }
    case 'device.enrolled': {
      const o = expectObject(value, f, CODE, ['memberId', 'device', 'fingerprint']);
      const d = expectObject(o.device, `${f}.device`, CODE, ['alg', 'key']);
      const device: DevicePublicKey = {
        alg: expectOneOf(d.alg, DEVICE_ALGORITHMS, `${f}.device.alg`, CODE),
        key: expectString(d.key, `${f}.device.key`, CODE, 200),
      };
      const fingerprint = expectHex64(o.fingerprint, `${f}.fingerprint`, CODE);
      let actual: string;
      try {
        actual = deviceKeyFingerprint(device);
      } catch (cause) {
        throw new ProtocolError(CODE, `${f}.device is not a valid device key`, { field: `${f}.device`, cause, zh: `${f}.device 不是有效的设备公钥` });
      }
      if (actual !== fingerprint)
        throw new ProtocolError(CODE, `${f}.fingerprint does not match the device key`, { field: `${f}.fingerprint`, zh: `${f}.fingerprint 与设备公钥不符` });
      return { memberId: expectString(o.memberId, `${f}.memberId`, CODE, 256), device, fingerprint } as EntryBodies[K];
    }
    case 'device.revoked': {
      const o = expectObject(value, f, CODE, isPlainObject(value) && 'by' in value ? ['memberId', 'fingerprint', 'by'] : ['memberId', 'fingerprint']);
      return {
        memberId: expectString(o.memberId, `${f}.memberId`, CODE, 256),
        fingerprint: expectHex64(o.fingerprint, `${f}.fingerprint`, CODE),
        ...('by' in o ? { by: expectString(o.by, `${f}.by`, CODE, 256) } : {}),
      } as EntryBodies[K];
    }
    case 'attendance.recorded': {
      const o = expectObject(
        value,
        f,
        CODE,
        isPlainObject(value) && 'by' in value ? ['meetingId', 'present', 'entitled', 'by'] : ['meetingId', 'present', 'entitled'],
      );
      const present = expectArray(o.present, `${f}.present`, CODE).map((m, i) => expectString(m, `${f}.present.${i}`, CODE, 256));
      for (let i = 1; i < present.length; i++) {
        if (!(present[i - 1]! < present[i]!))
          throw new ProtocolError(CODE, `${f}.present must be sorted and distinct`, { field: `${f}.present`, zh: `${f}.present 必须排序且互不重复` });
      }
      return {
        meetingId: expectString(o.meetingId, `${f}.meetingId`, CODE, 256),
        present,
        entitled: expectInt(o.entitled, `${f}.entitled`, CODE, 0, 100_000),
        ...('by' in o ? { by: expectString(o.by, `${f}.by`, CODE, 256) } : {}),
      } as EntryBodies[K];
    }
    case 'vote.created': {
      // Version 2 names the secretary who created the vote (`by`); version 1 has no `by`.
      const v2 = isPlainObject(value) && isPlainObject(value.definition) && value.definition.version !== undefined;
      const o = expectObject(value, f, CODE, v2 ? ['definition', 'by'] : ['definition']);
      const definition = wrap(`${f}.definition`, () => parseVoteDefinition(o.definition));
      return (v2 ? { definition, by: expectString(o.by, `${f}.by`, CODE, 256) } : { definition }) as EntryBodies[K];
    }
    case 'vote.closed': {
      // Version 2 adds by, confirmations, decision and countersignatures (all or none).
      // A vote of a meeting of participants (v2) also has slipTokens.
      const v2 = isPlainObject(value) && 'countersignatures' in value;
      const slips = v2 && isPlainObject(value) && 'slipTokens' in value;
      const o = expectObject(
        value,
        f,
        CODE,
        v2 ? [...V1_CLOSE_KEYS, 'by', 'confirmations', 'decision', 'countersignatures', ...(slips ? ['slipTokens'] : [])] : V1_CLOSE_KEYS,
      );
      const issuances = expectArray(o.issuances, `${f}.issuances`, CODE).map((x, i) => parseIssuance(x, `${f}.issuances.${i}`));
      // Ballots are checked against the definition by validateBallot; here only that they are objects.
      const ballots = expectArray(o.ballots, `${f}.ballots`, CODE).map((b, i) => expectObject(b, `${f}.ballots.${i}`, CODE) as unknown as Ballot);
      if (!isPlainObject(o.tally)) throw new ProtocolError(CODE, `${f}.tally must be an object`, { field: `${f}.tally`, zh: `${f}.tally 必须是对象` });
      return {
        voteId: expectString(o.voteId, `${f}.voteId`, CODE, 256),
        issuances,
        ballots,
        tally: o.tally as unknown as Tally,
        tallySignature: expectString(o.tallySignature, `${f}.tallySignature`, CODE, 100_000),
        ...(v2
          ? {
              by: expectString(o.by, `${f}.by`, CODE, 256),
              confirmations: parseSignatures(o.confirmations, `${f}.confirmations`),
              decision: o.decision === null ? null : parseDecision(o.decision, `${f}.decision`),
              countersignatures: parseSignatures(o.countersignatures, `${f}.countersignatures`),
              ...(slips ? { slipTokens: parseSlipTokens(o.slipTokens, `${f}.slipTokens`) } : {}),
            }
          : {}),
      } as EntryBodies[K];
    }
    case 'admin.granted': {
      const o = expectObject(value, f, CODE, ['personId']);
      return { personId: expectString(o.personId, `${f}.personId`, CODE, 256) } as EntryBodies[K];
    }
    case 'secretary.appointed':
    case 'secretary.removed': {
      const o = expectObject(value, f, CODE, ['personId', 'by']);
      return { personId: expectString(o.personId, `${f}.personId`, CODE, 256), by: expectString(o.by, `${f}.by`, CODE, 256) } as EntryBodies[K];
    }
    case 'enrolment.issued': {
      const o = expectObject(value, f, CODE, ['memberId', 'by']);
      return { memberId: expectString(o.memberId, `${f}.memberId`, CODE, 256), by: expectString(o.by, `${f}.by`, CODE, 256) } as EntryBodies[K];
    }
    case 'inspectors.designated': {
      const o = expectObject(value, f, CODE, ['meetingId', 'inspectors', 'by']);
      const inspectors = expectArray(o.inspectors, `${f}.inspectors`, CODE).map((m, i) => expectString(m, `${f}.inspectors.${i}`, CODE, 256));
      if (inspectors.length === 0 || inspectors.length > MAX_INSPECTORS)
        throw new ProtocolError(CODE, `${f}.inspectors must name 1 to ${MAX_INSPECTORS} members`, {
          field: `${f}.inspectors`,
          zh: `${f}.inspectors 必须列出 1 至 ${MAX_INSPECTORS} 名委员`,
        });
      for (let i = 1; i < inspectors.length; i++) {
        if (!(inspectors[i - 1]! < inspectors[i]!))
          throw new ProtocolError(CODE, `${f}.inspectors must be sorted and distinct`, { field: `${f}.inspectors`, zh: `${f}.inspectors 必须排序且互不重复` });
      }
      return { meetingId: expectString(o.meetingId, `${f}.meetingId`, CODE, 256), inspectors, by: expectString(o.by, `${f}.by`, CODE, 256) } as EntryBodies[K];
    }
    case 'composite.published':
      return parseCompositeBody(value, f) as EntryBodies[K];
    case 'slips.issued': {
      const o = expectObject(value, f, CODE, ['meetingId', 'issued', 'by']);
      return {
        meetingId: expectString(o.meetingId, `${f}.meetingId`, CODE, 256),
        issued: expectInt(o.issued, `${f}.issued`, CODE, 0, SLIPS_PER_MEETING_MAX),
        by: expectString(o.by, `${f}.by`, CODE, 256),
      } as EntryBodies[K];
    }
    default:
      throw new ProtocolError(CODE, `unknown entry kind ${String(kind)}`, { field: 'kind', zh: `未知的记录项类型 ${String(kind)}` });
  }
}

/** Runtime guard for a whole entry from untrusted JSON; does not check the hash or the link. */
export function parseEntry(value: unknown, field = 'entry'): ChainEntry {
  return wrap(field, () => {
    if (!isPlainObject(value)) throw new ProtocolError(CODE, 'entry must be an object', { field: 'entry', zh: '记录项必须是对象' });
    const o = expectObject(value, 'entry', CODE, ['committeeId', 'seq', 'prev', 'kind', 'body', 'hash']);
    const kind = expectOneOf(o.kind, ENTRY_KINDS, 'kind', CODE);
    return {
      committeeId: expectString(o.committeeId, 'committeeId', CODE, 256),
      seq: expectInt(o.seq, 'seq', CODE),
      prev: expectHex64(o.prev, 'prev', CODE),
      kind,
      body: parseEntryBody(kind, o.body),
      hash: expectHex64(o.hash, 'hash', CODE),
    } as ChainEntry;
  });
}

/**
 * The next entry after `prev` (null for genesis), body checked by parseEntryBody. Throws
 * ProtocolError('invalid_entry') when the body is malformed or `prev` is of another committee.
 */
export function makeEntry<K extends EntryKind>(prev: ChainEntry | null, committeeId: string, kind: K, body: EntryBodies[K]): EntryOf<K> & ChainEntry {
  if (prev && prev.committeeId !== committeeId)
    throw new ProtocolError(CODE, 'previous entry belongs to another committee', { field: 'committeeId', zh: '前一记录项属于另一委员会' });
  parseEntryBody(kind, body);
  const unhashed = { committeeId, seq: prev ? prev.seq + 1 : 0, prev: prev ? prev.hash : GENESIS_PREV, kind, body };
  return { ...unhashed, hash: hashEntry(unhashed) } as EntryOf<K> & ChainEntry;
}

/** Code-unit order of strings, the order the record uses for member ids and ballot hashes. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The vote.closed body with issuances sorted by memberId and ballots by ballotHash. */
export function voteClosedBody(input: {
  voteId: string;
  issuances: Issuance[];
  ballots: { ballot: Ballot; hash: string }[];
  tally: Tally;
  tallySignature: string;
}): EntryBodies['vote.closed'] {
  return {
    voteId: input.voteId,
    issuances: [...input.issuances].sort((a, b) => compareStrings(a.memberId, b.memberId)),
    ballots: [...input.ballots].sort((a, b) => compareStrings(a.hash, b.hash)).map((b) => b.ballot),
    tally: input.tally,
    tallySignature: input.tallySignature,
  };
}

export type ChainCheckCode = 'record_malformed' | 'chain_seq' | 'chain_committee' | 'chain_link' | 'chain_hash' | 'pinned_head_mismatch';

export type ChainCheck = { ok: true; head: ChainHead | null } | { ok: false; code: ChainCheckCode; index: number; detail: string; detailZh: string };

/**
 * Checks that entries form one chain from genesis: each entry parses, seq = index, one
 * committee, prev = hash of the entry before (GENESIS_PREV first), and hash = hashEntry(entry).
 * With a pinned head (one an observer saw earlier), the chain must hold that very entry
 * (checkPinnedHead, pinned-head.ts).
 * Never throws.
 */
export function verifyChainLinks(entries: unknown, pinnedHead?: ChainHead, pinOptions: PinOptions = {}): ChainCheck {
  if (!Array.isArray(entries)) return { ok: false, code: 'record_malformed', index: -1, detail: 'entries must be an array', detailZh: 'entries 必须是数组' };
  const parsed: ChainEntry[] = [];
  for (let i = 0; i < entries.length; i++) {
    try {
      parsed.push(parseEntry(entries[i], `entries.${i}`));
    } catch (e) {
      return { ok: false, code: 'record_malformed', index: i, detail: (e as Error).message, detailZh: reasonZh(e) };
    }
  }
  return checkChainLinks(parsed, pinnedHead, pinOptions);
}

/** verifyChainLinks for entries already read with parseEntry (the verifier parses once). */
export function checkChainLinks(entries: readonly ChainEntry[], pinnedHead?: ChainHead, pinOptions: PinOptions = {}): ChainCheck {
  let previous: ChainEntry | null = null;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.seq !== i)
      return { ok: false, code: 'chain_seq', index: i, detail: `entry ${i} has seq ${entry.seq}`, detailZh: `记录项 #${i} 的序号为 ${entry.seq}` };
    if (previous && entry.committeeId !== previous.committeeId) {
      return {
        ok: false,
        code: 'chain_committee',
        index: i,
        detail: `entry ${i} belongs to committee ${entry.committeeId}`,
        detailZh: `记录项 #${i} 属于另一委员会 ${entry.committeeId}`,
      };
    }
    const expectedPrev = previous ? previous.hash : GENESIS_PREV;
    if (entry.prev !== expectedPrev)
      return {
        ok: false,
        code: 'chain_link',
        index: i,
        detail: `entry ${i} does not link to entry ${i - 1}`,
        detailZh: `记录项 #${i} 的 prev 不是记录项 #${i - 1} 的哈希`,
      };
    if (hashEntry(entry) !== entry.hash)
      return {
        ok: false,
        code: 'chain_hash',
        index: i,
        detail: `entry ${i} does not hash to its stated hash`,
        detailZh: `记录项 #${i} 的哈希与其所载哈希不符`,
      };
    previous = entry;
  }
  if (pinnedHead) {
    const held = checkPinnedHead(entries, pinnedHead, pinOptions);
    if (!held.ok) return held;
  }
  return { ok: true, head: previous ? { seq: previous.seq, hash: previous.hash } : null };
}
