// Reading the public record: the committee's chain, checked link by link and held to the head
// this device pinned earlier; the vote definition as that chain published it (the one key every
// member must use); and the service's public keys.
//
// Why the whole chain: one vote.created entry that hashes correctly proves nothing — the service
// could serve each member a self-consistent entry with a key made for that member alone, and so
// recognise the member's ballot. The device therefore reads the committee's chain from genesis,
// checks every link, and pins the head in its storage (the observer page keeps the same pin).
// Every later read must extend that head; if it does not, the record was rewritten or forked and
// the page refuses to vote. People in the room compare the vote key fingerprint (six words) on their
// phones with the projector's: one fork for everybody is the only fork that goes unnoticed.
import type { JSONWebKeySet } from 'jose';
import { asCommitteeDefinition, parseVoteDefinition, type VoteDefinition } from '../protocol/ballot.ts';
import { checkChainLinks, parseEntry, verifyChainLinks, type ChainEntry, type ChainHead, type EntryBodies } from '../protocol/chain.ts';
import { advancePin, checkPinnedHead, readPin } from '../protocol/pinned-head.ts';
import { publicGet, recordGet } from './api.ts';
import { h } from './dom.ts';
import { glanceFingerprint, type GlanceFingerprint } from './glance.ts';
import { L } from './i18n.ts';

export interface ChainReply {
  committeeId: string;
  head: { seq: number; hash: string };
  entries: ChainEntry[];
}

export class RecordError extends Error {
  constructor(
    message: string,
    /** True when the record contradicts what this device saw before (rewritten, forked or truncated). */
    readonly rewritten = false,
  ) {
    super(message);
    this.name = 'RecordError';
  }
}

// ── The pinned head, per committee, in this device's storage ────────────────────────────────

const PIN_PREFIX = 'piaojue.pinnedHead.';

/** The head of this committee's chain this device last verified, if any. */
export function pinnedHead(committeeId: string): ChainHead | undefined {
  try {
    return readPin(JSON.parse(localStorage.getItem(PIN_PREFIX + committeeId) ?? 'null')) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Pins a verified head; a pin only ever moves forward. */
export function pinHead(committeeId: string, head: ChainHead): void {
  const old = pinnedHead(committeeId);
  const pin = advancePin(old, head);
  if (pin !== old) {
    try {
      localStorage.setItem(PIN_PREFIX + committeeId, JSON.stringify(pin));
    } catch {
      // storage full or disabled: the in-memory chain below still holds for this page
    }
  }
}

function rewrittenText(check: { code: string; detail: string; detailZh: string }): string {
  return L(
    `公开记录与本设备先前核验的记录不一致（记录被改写或分叉），本设备拒绝投票。请立即告知监票人。（[${check.code}] ${check.detailZh}）`,
    `The public record differs from the one this device verified before (it was rewritten or forked); this device refuses to vote. Tell the scrutineers now. ([${check.code}] ${check.detail})`,
  );
}

function brokenText(check: { code: string; detail: string; detailZh: string }): string {
  return L(`记录的哈希链不完整：[${check.code}] ${check.detailZh}`, `The record's hash chain is broken: [${check.code}] ${check.detail}`);
}

// ── The committee's chain, verified ─────────────────────────────────────────────────────────

/** Per committee, the entries this page has verified (from genesis); later reads fetch only what follows. */
const verified = new Map<string, ChainEntry[]>();
const reading = new Map<string, Promise<ChainEntry[]>>();

/**
 * The committee's chain from genesis to its current head, every link checked, extending the
 * head this device pinned earlier (and the entries this page already verified). Pins the new
 * head. Throws RecordError (rewritten = true) when the record contradicts what was seen before.
 */
export function verifiedChain(committeeId: string): Promise<ChainEntry[]> {
  let p = reading.get(committeeId);
  if (!p) {
    p = readChain(committeeId).finally(() => reading.delete(committeeId));
    reading.set(committeeId, p);
  }
  return p;
}

async function readChain(committeeId: string): Promise<ChainEntry[]> {
  const have = verified.get(committeeId) ?? [];
  // Only what follows the entries this page holds; and with the head it holds as If-None-Match,
  // a chain that has not moved answers 304 with no body at all.
  const tip = have.at(-1);
  const reply =
    (await recordGet<ChainReply>(
      `/v1/committees/${encodeURIComponent(committeeId)}/chain?after=${have.length - 1}`,
      tip ? { ifNoneMatch: `"${tip.hash}"` } : {},
    )) ?? ({ head: { seq: tip!.seq, hash: tip!.hash }, entries: [] } as unknown as ChainReply);
  if (!reply || !Array.isArray(reply.entries)) throw new RecordError(L('记录格式错误。', 'The record is malformed.'));
  let fresh: ChainEntry[];
  try {
    fresh = reply.entries.map((e, i) => parseEntry(e, `entries.${i}`));
  } catch (e) {
    throw new RecordError(L(`记录格式错误：${(e as Error).message}`, `The record is malformed: ${(e as Error).message}`));
  }
  const pin = pinnedHead(committeeId);
  if (fresh.length === 0 && have.length > 0) {
    // Nothing new: what this page verified stands, unless the service now claims a shorter chain
    // or another tab pinned a head this history does not hold.
    const tip = have.at(-1)!;
    if (typeof reply.head?.seq === 'number' && reply.head.seq < tip.seq)
      throw new RecordError(
        rewrittenText({
          code: 'chain_head',
          detail: `the chain now ends at ${reply.head.seq}, before entry ${tip.seq}`,
          detailZh: `哈希链现止于序号 ${reply.head.seq}，早于记录项 #${tip.seq}`,
        }),
        true,
      );
    const held = pin ? checkPinnedHead(have, pin, { prefix: true }) : { ok: true as const };
    if (!held.ok) throw new RecordError(rewrittenText(held), true);
    if (!pin || pin.seq <= tip.seq) return have;
  }
  const all = [...have, ...fresh];
  if (all.length === 0 || all[0]!.committeeId !== committeeId) throw new RecordError(L('记录属于另一个委员会。', 'The record belongs to another committee.'));
  const check = checkChainLinks(all, pin);
  if (!check.ok) {
    // Entries this page verified before, or the pinned head, no longer fit: history changed.
    const contradicts = check.code === 'pinned_head_mismatch' || (check.index > 0 && check.index <= have.length);
    if (contradicts) throw new RecordError(rewrittenText(check), true);
    throw new RecordError(brokenText(check));
  }
  verified.set(committeeId, all);
  if (check.head) pinHead(committeeId, check.head);
  return all;
}

/** The vote.created entry of this vote in a verified chain (exactly one), or undefined. */
export function voteCreatedEntry(
  chain: readonly ChainEntry[],
  voteId: string,
): (ChainEntry & { kind: 'vote.created'; body: EntryBodies['vote.created'] }) | undefined {
  const found = chain.filter((e) => e.kind === 'vote.created' && e.body.definition.voteId === voteId);
  if (found.length > 1) throw new RecordError(L('记录中同一表决出现了两次。', 'The record creates this vote twice.'));
  return found[0] as (ChainEntry & { kind: 'vote.created'; body: EntryBodies['vote.created'] }) | undefined;
}

/**
 * The vote's definition from its vote.created entry in the committee's verified chain. The
 * token is checked against this key, never against one served with the token: a key made for
 * one member alone would let the service recognise that member's ballot. `createdHash` is the
 * entry's hash, from which the fingerprint people compare is made.
 */
export async function pinnedDefinition(committeeId: string, voteId: string): Promise<{ definition: VoteDefinition; createdHash: string }> {
  const entry = voteCreatedEntry(await verifiedChain(committeeId), voteId);
  if (!entry) throw new RecordError(L('公开记录中没有这项表决。', 'This vote is not in the public record.'));
  const definition = asCommitteeDefinition(parseVoteDefinition(entry.body.definition));
  if (definition.voteId !== voteId) throw new RecordError(L('记录中是另一项表决。', 'The record names another vote.'));
  return { definition, createdHash: entry.hash };
}

// ── A vote's own record, for a participant's phone (issue 15) ───────────────────────────────

/**
 * A participant's phone does not read the committee's chain: on a restricted committee it may
 * not (other meetings' votes are there). It reads its own meeting's votes' records instead —
 * through the vote.created entry while the vote is open, through the close after — each a
 * prefix of the committee's chain. Per committee, the longest such record this page verified:
 * every later one must hold the same entries where both reach, and extend the pinned head.
 */
const heldRecords = new Map<string, ChainEntry[]>();

/**
 * Checks a vote's record as served to a participant: its links, the pinned head, that it ends
 * with this vote's `end` entry, and that it agrees with the records this page verified before.
 * Pins its last entry. Answers the entries.
 */
export function checkHeldRecord(
  record: { committeeId?: unknown; voteId?: unknown; entries?: unknown },
  committeeId: string,
  voteId: string,
  end: 'vote.created' | 'vote.closed',
): ChainEntry[] {
  if (record.committeeId !== committeeId || record.voteId !== voteId) throw new RecordError(L('记录不属于这项表决。', 'The record is not this vote’s.'));
  const raw = Array.isArray(record.entries) ? (record.entries as unknown[]) : [];
  const check = verifyChainLinks(raw, pinnedHead(committeeId), { prefix: true });
  if (!check.ok) {
    if (check.code === 'pinned_head_mismatch') throw new RecordError(rewrittenText(check), true);
    throw new RecordError(brokenText(check));
  }
  let entries: ChainEntry[];
  try {
    entries = raw.map((e, i) => parseEntry(e, `entries.${i}`));
  } catch (e) {
    throw new RecordError(L(`记录格式错误：${(e as Error).message}`, `The record is malformed: ${(e as Error).message}`));
  }
  const last = entries.at(-1);
  const ends =
    last?.committeeId === committeeId &&
    last.kind === end &&
    (last.kind === 'vote.created' ? last.body.definition.voteId === voteId : last.kind === 'vote.closed' && last.body.voteId === voteId);
  if (!last || !ends)
    throw new RecordError(
      end === 'vote.created'
        ? L('记录没有以这项表决的开始条目收尾。', 'The record does not end with this vote’s opening.')
        : L('记录没有以这项表决的结束条目收尾。', 'The record does not end with this vote’s close.'),
    );
  const held = heldRecords.get(committeeId) ?? [];
  for (let i = 0; i < Math.min(held.length, entries.length); i++) {
    if (held[i]!.hash !== entries[i]!.hash)
      throw new RecordError(
        rewrittenText({ code: 'chain_hash', detail: `entry ${i} differs from the record read before`, detailZh: `记录项 #${i} 与先前读到的记录不同` }),
        true,
      );
  }
  if (entries.length > held.length) heldRecords.set(committeeId, entries);
  pinHead(committeeId, { seq: last.seq, hash: last.hash });
  return entries;
}

/** A participant's open vote: its record through the vote.created entry, checked (checkHeldRecord). */
export async function openingRecord(committeeId: string, voteId: string, credential: string | undefined): Promise<ChainEntry[]> {
  const reply = await recordGet<{ committeeId?: unknown; voteId?: unknown; entries?: unknown }>(
    `/v1/votes/${encodeURIComponent(voteId)}/record?through=created`,
    credential === undefined ? {} : { participant: credential },
  );
  return checkHeldRecord(reply, committeeId, voteId, 'vote.created');
}

/**
 * A vote record (genesis through the vote's close) checked before a ballot is looked up in it:
 * every link holds, it ends with this vote's vote.closed entry, and it is the very history this
 * device verified — it extends the pinned head, or (when the pin is later than the close) its
 * last entry is the one at that seq in the chain this device holds.
 */
export async function checkVoteRecord(
  record: { committeeId?: unknown; voteId?: unknown; entries?: unknown; head?: unknown },
  committeeId: string,
  voteId: string,
): Promise<void> {
  if (record.committeeId !== committeeId || record.voteId !== voteId) throw new RecordError(L('记录不属于这项表决。', 'The record is not this vote’s.'));
  const entries = Array.isArray(record.entries) ? (record.entries as unknown[]) : [];
  // A pin later than this record's close cannot be checked here; the chain below holds it.
  const pin = pinnedHead(committeeId);
  const check = verifyChainLinks(entries, pin, { prefix: true });
  if (!check.ok) {
    if (check.code === 'pinned_head_mismatch') throw new RecordError(rewrittenText(check), true);
    throw new RecordError(brokenText(check));
  }
  const end = entries.at(-1) as ChainEntry | undefined;
  if (!end || end.committeeId !== committeeId || end.kind !== 'vote.closed' || end.body.voteId !== voteId) {
    throw new RecordError(L('记录没有以这项表决的结束条目收尾。', 'The record does not end with this vote’s close.'));
  }
  // The chain now (which must itself extend the pin) holds this very entry at that seq.
  const chain = await verifiedChain(committeeId);
  if (chain[end.seq]?.hash !== end.hash)
    throw new RecordError(
      rewrittenText({ code: 'chain_hash', detail: `entry ${end.seq} differs from the committee's chain`, detailZh: `记录项 #${end.seq} 与委员会的哈希链不同` }),
      true,
    );
}

/**
 * The vote key fingerprint (表决公钥指纹) people in the room compare: six words from a fixed
 * list, made from SHA-256 over the vote.created entry's hash (src/web/glance.ts). The entry hash
 * covers the vote's key and, through the chain, everything before it.
 */
export function voteKeyFingerprint(createdHash: string): GlanceFingerprint {
  return glanceFingerprint(createdHash);
}

/**
 * The fingerprint as shown on the phone and the projector alike: the words, large, in two rows
 * of three; the bytes they encode in data-fingerprint, the words in data-words.
 */
export function fingerprintWords(print: GlanceFingerprint): HTMLElement {
  const half = Math.ceil(print.words.length / 2);
  const row = (words: string[]) =>
    h(
      'span',
      { class: 'glance-row' },
      words.map((w) => h('span', { class: 'glance-word' }, w)),
    );
  return h(
    'span',
    { class: 'fingerprint', lang: 'zh-CN', 'data-fingerprint': print.hex, 'data-words': print.words.join(' '), title: print.hex },
    row(print.words.slice(0, half)),
    row(print.words.slice(half)),
  );
}

/**
 * A chain head as people read it out in the room: the first 16 hex digits in groups of four.
 * The projector shows the close entry's head under the result and every phone shows the head of
 * the record it checked its ballot in, so the room can see they are the same.
 */
export function headDigits(hash: string): string {
  return hash.slice(0, 16).replace(/(.{4})(?=.)/g, '$1 ');
}

let jwks: Promise<JSONWebKeySet> | undefined;

export function serviceKeys(): Promise<JSONWebKeySet> {
  jwks ??= publicGet<JSONWebKeySet>('/.well-known/jwks.json').catch((e: unknown) => {
    jwks = undefined;
    throw e;
  });
  return jwks;
}
