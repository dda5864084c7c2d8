// A participant's phone at a 民主推荐 / 民主测评 meeting (issue 15), without the page: the slip's
// code spent once for a participant credential, one blind token per open vote of the meeting
// (blinded here, the key held to the vote.created entry of the vote's own verified record — the
// committee's chain through that entry — as a member's device holds it to the chain), the marks, and the same outbox as the member's (sendFromOutbox in
// member-flow.ts): the ballot is stored before it is sent and re-sent by every refresh until a
// checked receipt or a definite refusal comes back. No DOM, no window: the service, the record,
// the storage and the cast are passed in, so tests/unit/web-slip-flow.test.ts drives it in Node.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ballotHash, parseVoteDefinition, validateBallot, type AnyChoices, type AnyVoteDefinition, type Ballot, type Candidate } from '../protocol/ballot.ts';
import { fromBase64url, toBase64url } from '../protocol/encoding.ts';
import type { ChainEntry } from '../protocol/chain.ts';
import { buildBallot, createTokenRequest, finishToken } from '../protocol/member-ballot.ts';
import { ABSTAIN, BLANK, isShapedItem, marksOf, RECOMMEND, type EvaluationItem, type RecommendationItem, type ShapedItem } from '../protocol/shapes.ts';
import { versionOf } from '../protocol/version.ts';
import { ApiError } from './api.ts';
import { countedInRecord, failureCode, sendFromOutbox, type MemberFlowDeps } from './member-flow.ts';
import { voteCreatedEntry } from './record.ts';
import type { StoredParticipant, StoredVote } from './store.ts';
import { VoteTasks } from './vote-tasks.ts';

/** A participant's vote as this phone keeps it: a shaped definition and its cells. */
export type SlipVote = StoredVote<AnyVoteDefinition, AnyChoices>;

/** A vote of the participant's meeting, as GET /v1/participant/votes lists it. */
export interface ParticipantVote {
  id: string;
  state: 'draft' | 'open' | 'confirming' | 'countersigning' | 'closed';
  definition: AnyVoteDefinition;
}

export interface SlipFlowDeps {
  /** POST /v1/participant/redeem, with no credential, and the phone's redemption nonce for the code. */
  redeem(code: string, nonce: string): Promise<{ meetingId: string; credential: string; expiresAt: string }>;
  /** Calls with the participant credential. */
  api: {
    get<T>(path: string, credential: string): Promise<T>;
    post<T>(path: string, body: unknown, credential: string): Promise<T>;
  };
  /** The ballot, sent with no credential (castBallotAnonymously). */
  castBallot(ballot: Ballot): Promise<{ ballotHash: string; receipt: string }>;
  /**
   * The record of the meeting's votes (src/web/record.ts), read with the participant credential:
   * never the committee's chain (a restricted committee's holds other meetings' votes), but each
   * vote's own record — through its vote.created entry while open (`openingRecord`, checked), and
   * through its close after (`readVoteRecord`, then `checkVoteRecord`).
   */
  record: Pick<MemberFlowDeps['record'], 'readVoteRecord' | 'checkVoteRecord' | 'serviceKeys'> & {
    openingRecord(committeeId: string, voteId: string): Promise<ChainEntry[]>;
  };
  storage: {
    /** The current slip's credential, or (with a code's hash) the one that code gave this phone. */
    loadParticipant(codeHash?: string): Promise<StoredParticipant | undefined>;
    /** Keeps the credential under its code and makes it the current one. */
    saveParticipant(p: StoredParticipant): Promise<unknown>;
    /** The redemption nonce drawn for a code (by its hash), kept until the code gave its credential; undefined drops it. */
    loadRedeemNonce(codeHash: string): Promise<string | undefined>;
    saveRedeemNonce(codeHash: string, nonce: string | undefined): Promise<unknown>;
    load(voteId: string, owner: string): Promise<SlipVote | undefined>;
    save(v: SlipVote): Promise<unknown>;
  };
  randomBytes: (n: number) => Uint8Array;
  explain(e: unknown): string;
  onChange(): void;
  now?: () => number;
  /** Waits `ms` before a redeem is sent again (the page: a timer; tests: a fake clock). */
  sleep(ms: number): Promise<void>;
}

/** Why the flow itself refused; the page words each code. */
export type SlipFlowCode = 'vote_key_mismatch' | 'not_in_record' | 'credential_expired';

export class SlipFlowError extends Error {
  constructor(readonly code: SlipFlowCode) {
    super(code);
    this.name = 'SlipFlowError';
  }
}

/** The redemption nonce's size: 128 random bits. */
const REDEEM_NONCE_BYTES = 16;

/** The waits between redeems of a code whose answer did not come: 1 s, doubling, at most 16 s. */
export const REDEEM_BACKOFF_MS = { first: 1000, max: 16_000 } as const;
/** The longest Retry-After the phone honours as asked (a longer one waits this long and asks again). */
const RETRY_AFTER_MAX_MS = 60_000;

/**
 * Whether a failed redeem is sent again, and after how long (ms): a lost network, a 5xx or a 429
 * is transient — after the service's Retry-After when it gave one, else after the backoff for
 * this `attempt` (0 for the first failure). A definite answer about the code (slip_spent,
 * slip_voided, an invalid code, any other 4xx) or anything not from the service: undefined, stop.
 */
export function redeemRetryDelay(e: unknown, attempt: number): number | undefined {
  if (!(e instanceof ApiError)) return undefined;
  const transient = e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500;
  if (!transient) return undefined;
  if (e.retryAfterMs !== undefined) return Math.min(e.retryAfterMs, RETRY_AFTER_MAX_MS);
  return Math.min(REDEEM_BACKOFF_MS.first * 2 ** Math.min(attempt, 30), REDEEM_BACKOFF_MS.max);
}

/** SHA-256 (hex) of a participation code: what the phone keeps of it. */
export function codeHash(code: string): string {
  return bytesToHex(sha256(new TextEncoder().encode(code)));
}

/** The slip (the credential's subject): read from the JWT the service signed, not verified here (the service verifies it). */
export function credentialSubject(credential: string): string {
  const payload = credential.split('.')[1];
  if (!payload) throw new Error('not a participant credential');
  const claims = JSON.parse(new TextDecoder().decode(fromBase64url(payload))) as { sub?: unknown };
  if (typeof claims.sub !== 'string') throw new Error('not a participant credential');
  return claims.sub;
}

/**
 * The participant credential this phone holds for a meeting, for the pages the phone opens from
 * its slip page (the observer's check of a vote's record, the printed sheet): the current slip's,
 * when it is that meeting's and not expired (an expired one would be refused, token_invalid).
 * The page's address names only the meeting; the credential never leaves the phone's storage
 * except in the Piaojue-Participant header.
 */
export async function meetingCredential(
  storage: Pick<SlipFlowDeps['storage'], 'loadParticipant'>,
  meetingId: string,
  now: number = Date.now(),
): Promise<string | undefined> {
  const p = await storage.loadParticipant();
  return p !== undefined && p.meetingId === meetingId && Date.parse(p.expiresAt) > now ? p.credential : undefined;
}

// ---- the ballot's arithmetic, for the page ----

/** A recommendation ballot's marks against k: over k, the whole ballot counts as 无效 (allowed, as on paper). */
export function recommendationCount(item: RecommendationItem, cells: Record<string, string> | undefined): { marked: number; max: number; over: boolean } {
  const marked = marksOf(item, cells);
  return { marked, max: item.maxMarks, over: marked > item.maxMarks };
}

/**
 * The names the list shows for a search: those whose name (or posts) contains the query, and
 * every marked name whatever the query, so a mark is never hidden. An empty query shows all.
 */
export function filterCandidates(candidates: readonly Candidate[], query: string, cells: Record<string, string> | undefined): Candidate[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [...candidates];
  return candidates.filter(
    (c) =>
      cells?.[c.candidateId] === RECOMMEND ||
      c.name.toLowerCase().includes(q) ||
      (c.currentPost ?? '').toLowerCase().includes(q) ||
      (c.proposedPost ?? '').toLowerCase().includes(q),
  );
}

/** An evaluation ballot's cadres given a grade, of all; the rest count as 弃权. */
export function evaluationCount(item: EvaluationItem, cells: Record<string, string> | undefined): { graded: number; total: number; ungraded: Candidate[] } {
  const codes = new Set(item.grades.map((g) => g.code));
  const ungraded = item.candidates.filter((c) => !codes.has(cells?.[c.candidateId] ?? ''));
  return { graded: item.candidates.length - ungraded.length, total: item.candidates.length, ungraded };
}

/** The complete cells of a ballot from the marks made: an unmarked name is 'blank', an ungraded cadre 'abstain'. */
export function slipChoices(def: AnyVoteDefinition, draft: AnyChoices | undefined): AnyChoices {
  const out: AnyChoices = {};
  for (const item of def.items) {
    if (!isShapedItem(item)) throw new Error('a participant votes only on 民主推荐 and 民主测评 items');
    const fill = item.shape === 'recommendation' ? BLANK : ABSTAIN;
    out[item.itemId] = Object.fromEntries(item.candidates.map((c) => [c.candidateId, draft?.[item.itemId]?.[c.candidateId] ?? fill]));
  }
  return out;
}

/** The definition's one shaped item (a slips meeting's vote holds exactly one). */
export function shapedItem(def: AnyVoteDefinition): ShapedItem {
  const item = def.items[0];
  if (!item || !isShapedItem(item)) throw new Error('a participant votes only on 民主推荐 and 民主测评 items');
  return item;
}

/** What the page says above the votes. */
export type SlipNotice =
  | { kind: 'no_slip' }
  /** The code's redeem failed for now (network, 5xx, 429): it is sent again, with the same nonce, after `waitMs`. */
  | { kind: 'reconnecting'; error: unknown; attempt: number; waitMs: number }
  | { kind: 'redeem_failed'; error: unknown }
  | { kind: 'error'; error: unknown };

export class SlipFlow {
  participant: StoredParticipant | undefined;
  votes: ParticipantVote[] = [];
  notice: SlipNotice | undefined;
  /** The votes were read at least once (the page may say "no vote open yet"). */
  loaded = false;
  readonly local = new Map<string, SlipVote>();
  /** One task per vote at a time, each vote's failure kept for its card (vote-tasks.ts); the flow's own refusals by their code. */
  private readonly tasks = new VoteTasks(
    (e) => (e instanceof SlipFlowError ? e.code : failureCode(e)),
    () => this.deps.onChange(),
  );
  /** Votes with a task running (one at a time per vote). */
  readonly busy = this.tasks.busy;
  readonly failures = this.tasks.failures;

  /** The page is gone: a redeem waiting to be sent again is not. */
  private stopped = false;
  /** Ends the current wait between redeems early (back online, or stopped). */
  private wake: (() => void) | undefined;

  constructor(private readonly deps: SlipFlowDeps) {}

  /** The page closed: no more redeems. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Back online: a redeem waiting to be sent again goes now. */
  retryNow(): void {
    this.wake?.();
  }

  private get owner(): string {
    return `slip:${this.participant!.slipId}`;
  }

  /**
   * Opens the phone's slip: with a code from the URL, spends it — unless this phone already
   * holds the credential that very code gave — and keeps the credential; without one, continues
   * with the current credential kept. Answers whether there is one.
   */
  async start(code: string | undefined): Promise<boolean> {
    const kept = await this.deps.storage.loadParticipant();
    if (code !== undefined) {
      const hash = codeHash(code);
      // This phone spent that very code before (a reload before the URL was cleaned, or a phone
      // shared by two participants going back to the first slip): continue with its credential.
      const spentHere = kept?.codeHash === hash ? kept : await this.deps.storage.loadParticipant(hash);
      if (spentHere) {
        if (spentHere !== kept) await this.deps.storage.saveParticipant(spentHere);
        this.participant = spentHere;
        return true;
      }
      try {
        // The nonce is drawn and kept before the code is first sent: if the answer is lost (the
        // slip spent, no credential here), the code is sent again with the same nonce — by this
        // page itself after a backoff, or after a reload — and the service gives this phone, and
        // only it, a credential for the same slip.
        let nonce = await this.deps.storage.loadRedeemNonce(hash);
        if (nonce === undefined) {
          nonce = toBase64url(this.deps.randomBytes(REDEEM_NONCE_BYTES));
          await this.deps.storage.saveRedeemNonce(hash, nonce);
        }
        const r = await this.redeemUntilAnswered(code, nonce);
        if (!r) {
          this.participant = kept;
          return false;
        }
        const p: StoredParticipant = {
          slipId: credentialSubject(r.credential),
          meetingId: r.meetingId,
          credential: r.credential,
          expiresAt: r.expiresAt,
          codeHash: hash,
        };
        await this.deps.storage.saveParticipant(p);
        await this.deps.storage.saveRedeemNonce(hash, undefined);
        this.participant = p;
        this.notice = undefined;
        return true;
      } catch (e) {
        this.notice = { kind: 'redeem_failed', error: e };
        // A phone that already holds a slip keeps using it (its ballots, its outbox).
        this.participant = kept;
        return false;
      }
    }
    this.participant = kept;
    if (!kept) this.notice = { kind: 'no_slip' };
    return kept !== undefined;
  }

  /**
   * Sends the code with its nonce until the service answers for it: a transient failure
   * (redeemRetryDelay) is sent again — the same nonce, so a slip spent by an answer that was
   * lost gives this phone its credential — after a backoff, for as long as the page is open,
   * with the notice saying so. A definite refusal is thrown. Undefined once stopped.
   */
  private async redeemUntilAnswered(code: string, nonce: string): Promise<Awaited<ReturnType<SlipFlowDeps['redeem']>> | undefined> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) return undefined;
      try {
        return await this.deps.redeem(code, nonce);
      } catch (e) {
        const waitMs = redeemRetryDelay(e, attempt);
        if (waitMs === undefined) throw e;
        this.notice = { kind: 'reconnecting', error: e, attempt: attempt + 1, waitMs };
        this.deps.onChange();
        await Promise.race([this.deps.sleep(waitMs), new Promise<void>((resolve) => (this.wake = resolve))]);
        this.wake = undefined;
      }
    }
  }

  /** One round: the meeting's votes, then per vote the step due (token, outbox). */
  async refresh(): Promise<void> {
    const p = this.participant;
    if (!p) return;
    try {
      if (Date.parse(p.expiresAt) <= (this.deps.now ?? Date.now)()) throw new SlipFlowError('credential_expired');
      this.votes = (await this.deps.api.get<{ votes: ParticipantVote[] }>('/v1/participant/votes', p.credential)).votes;
      this.loaded = true;
      if (this.notice?.kind === 'error') this.notice = undefined;
      for (const vote of this.votes) {
        // Read from storage once; from then on this flow's copy is the newer (marks are saved without waiting).
        if (this.local.has(vote.id)) continue;
        const v = await this.deps.storage.load(vote.id, this.owner);
        if (v && !this.local.has(vote.id)) this.local.set(vote.id, v);
      }
      this.deps.onChange();
      for (const vote of this.votes) await this.step(vote);
    } catch (e) {
      this.notice = { kind: 'error', error: e };
    }
    this.deps.onChange();
  }

  private async step(vote: ParticipantVote): Promise<void> {
    const v = this.local.get(vote.id);
    if (vote.state === 'open' && !v?.token) await this.tasks.run(vote.id, () => this.ensureToken(vote), ['invalid_state']);
    else if (vote.state === 'open' && v?.ballot && !v.receipt && !v.refused) await this.tasks.run(vote.id, () => this.send(vote));
    else if (vote.state === 'closed' && v?.receipt && v.counted === undefined) await this.tasks.run(vote.id, () => this.checkCounted(vote));
  }

  /** After the close: the ballot found in the checked record, its receipt holding (as a member's device does). */
  private async checkCounted(vote: ParticipantVote): Promise<void> {
    const v = this.local.get(vote.id);
    if (!v) return;
    const found = await countedInRecord(v, vote.definition.committeeId, this.deps.record);
    if (found) await this.keep({ ...v, ...found });
  }

  /** The vote's definition from its vote.created entry in the vote's verified record; the served key must be that one. */
  private async pinned(vote: ParticipantVote): Promise<{ definition: AnyVoteDefinition; createdHash: string }> {
    const entry = voteCreatedEntry(await this.deps.record.openingRecord(vote.definition.committeeId, vote.id), vote.id);
    if (!entry) throw new SlipFlowError('not_in_record');
    const definition = parseVoteDefinition(entry.body.definition);
    if (definition.voteId !== vote.id || definition.publicKey !== vote.definition.publicKey) throw new SlipFlowError('vote_key_mismatch');
    return { definition, createdHash: entry.hash };
  }

  /** One token per vote: the request stored before it is sent, so a lost answer is retried with the same blinded point. */
  private async ensureToken(vote: ParticipantVote): Promise<void> {
    const p = this.participant!;
    let v = this.local.get(vote.id);
    if (!v) {
      const { definition, createdHash } = await this.pinned(vote);
      v = {
        voteId: vote.id,
        personId: this.owner,
        request: createTokenRequest(vote.id, this.deps.randomBytes, versionOf(definition)),
        definition,
        createdHash,
      };
      await this.keep(v);
    }
    const reply = await this.deps.api.post<{ blindSignature: string }>(
      `/v1/participant/votes/${vote.id}/tokens`,
      { blindedPoint: v.request.blindedPoint },
      p.credential,
    );
    await this.keep({ ...v, token: finishToken(v.request, reply.blindSignature, v.definition.publicKey) });
  }

  private async send(vote: ParticipantVote): Promise<void> {
    const v = this.local.get(vote.id);
    if (!v) return;
    await sendFromOutbox(
      v,
      {
        castBallot: (b) => this.deps.castBallot(b),
        serviceKeys: () => this.deps.record.serviceKeys(),
        explain: (e) => this.deps.explain(e),
        keep: (next) => this.keep(next),
      },
      // The key once more before the ballot leaves: the record must still hold it.
      async () => void (await this.pinned(vote)),
    );
  }

  /** A name marked or unmarked, a grade chosen (undefined: cleared). Kept so a reload loses no marks; false once cast. */
  setCell(voteId: string, itemId: string, candidateId: string, cell: string | undefined): boolean {
    const v = this.local.get(voteId);
    if (!v?.token || v.ballot) return false;
    const draft: AnyChoices = structuredClone(v.draft ?? {});
    const cells = (draft[itemId] ??= {});
    if (cell === undefined) delete cells[candidateId];
    else cells[candidateId] = cell;
    const next = { ...v, draft };
    this.local.set(voteId, next);
    void this.deps.storage.save(next);
    return true;
  }

  canCast(voteId: string): boolean {
    const v = this.local.get(voteId);
    return Boolean(v?.token && !v.ballot && this.votes.find((x) => x.id === voteId)?.state === 'open');
  }

  /** Casts the marks as they stand (unmarked names blank, ungraded cadres 弃权): into the outbox first, then sent. */
  cast(voteId: string): Promise<void> {
    const v = this.local.get(voteId);
    const vote = this.votes.find((x) => x.id === voteId);
    if (!v?.token || !vote || !this.canCast(voteId)) return Promise.resolve();
    const token = v.token;
    return this.tasks.run(voteId, async () => {
      const ballot = validateBallot(v.definition, buildBallot(token, slipChoices(v.definition, v.draft)));
      await this.keep({ ...v, ballot, ballotHash: ballotHash(ballot) });
      await this.send(vote);
    });
  }

  private async keep(v: SlipVote): Promise<void> {
    await this.deps.storage.save(v);
    this.local.set(v.voteId, v);
  }
}
