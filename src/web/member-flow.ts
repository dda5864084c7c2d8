// The member's device in a meeting, without the page (issue 13): what the phone fetches, keeps and
// sends, as a state machine the member page renders. No DOM, no window, no storage of its own:
// the service, the anonymous cast, the public record, the device's storage and the verifier are
// passed in, so tests/unit/web-member-flow.test.ts drives it in Node.
//
// The rules it keeps (the member page's header says why):
//   - 签到即领票: once the member is recorded present, one token per vote not closed; the token
//     request is stored before it is sent, so a lost answer is retried with the same blinded point.
//   - The outbox: the ballot is stored before it is cast; every refresh re-sends it until a
//     receipt (which is checked) or a definite refusal (stored, never re-sent) comes back.
//   - Before anything leaves, the committee's chain must still extend the pinned head and hold the
//     key the token is for; once it does not, the device refuses to vote from then on.
//   - Version-2 close: the device confirms only a prepared close that holds its ballot unchanged;
//     an inspector's device countersigns only a sealed close the verifier passed here.
import {
  ballotHash,
  validateBallot,
  type AnyChoices,
  type AnyVoteDefinition,
  type Ballot,
  type Choices,
  type Mark,
  type VoteDefinition,
} from '../protocol/ballot.ts';
import { makeEntry, type ChainEntry } from '../protocol/chain.ts';
import { confirmationMessage, countersignatureMessage, preparedHash, sealHash } from '../protocol/close.ts';
import { tokenRequestMessage } from '../protocol/device-key.ts';
import { canonicalBytes } from '../protocol/encoding.ts';
import { buildBallot, checkReceipt, createTokenRequest, findBallotInRecord, finishToken } from '../protocol/member-ballot.ts';
import { ProtocolError } from '../protocol/errors.ts';
import type { VerificationReport } from '../protocol/verifier.ts';
import { versionOf } from '../protocol/version.ts';
import type { JSONWebKeySet } from 'jose';
import { ApiError } from './api.ts';
import { RecordError, voteCreatedEntry } from './record.ts';
import type { StoredVote } from './store.ts';
import type { Attendance, Closing, Committee, Meeting, Vote } from './types.ts';
import type { VerifyRequest } from './verify-worker.ts';
import { VoteTasks } from './vote-tasks.ts';

type VoteRecord = Parameters<typeof findBallotInRecord>[0];

/** What the flow needs from outside: each is the browser's own in src/web/pages/member.ts, a fake in the tests. */
export interface MemberFlowDeps {
  me: { personId: string; memberOf: readonly string[] };
  /** Signed-in calls (the Session) and the device's signature. */
  api: {
    get<T>(path: string): Promise<T>;
    post<T>(path: string, body?: unknown): Promise<T>;
    sign(message: Uint8Array): Promise<string>;
  };
  /** The ballot, sent with no credential (castBallotAnonymously). */
  castBallot(ballot: Ballot): Promise<{ ballotHash: string; receipt: string }>;
  /** The public record (src/web/record.ts): the chain verified and held to this device's pin. */
  record: {
    verifiedChain(committeeId: string): Promise<ChainEntry[]>;
    pinnedDefinition(committeeId: string, voteId: string): Promise<{ definition: VoteDefinition; createdHash: string }>;
    readVoteRecord(voteId: string): Promise<VoteRecord>;
    checkVoteRecord(record: VoteRecord, committeeId: string, voteId: string): Promise<void>;
    serviceKeys(): Promise<JSONWebKeySet>;
  };
  /** This device's storage of its votes (src/web/store.ts): durable once the promise settles. */
  storage: {
    load(voteId: string, personId: string): Promise<StoredVote | undefined>;
    save(v: StoredVote): Promise<unknown>;
  };
  randomBytes: (n: number) => Uint8Array;
  /** The project's verifier (in the browser, its worker). */
  verify(request: VerifyRequest): Promise<VerificationReport>;
  /** A refusal in the page's words, stored with the refused ballot. */
  explain(e: unknown): string;
  /** Something changed while no event handler was waiting on it (a task started or ended, an audit finished). */
  onChange(): void;
}

/** Why the flow itself refused; the page words each code (src/web/pages/member.ts). */
export type MemberFlowCode = 'vote_key_mismatch' | 'not_in_record' | 'close_hash_mismatch' | 'record_rewritten';

export class MemberFlowError extends Error {
  constructor(readonly code: MemberFlowCode) {
    super(code);
    this.name = 'MemberFlowError';
  }
}

/**
 * Why this device refuses to vote: the record reader's own words (a rewritten or forked chain), or
 * the vote key in the record now differs from the one the device fetched its token for.
 */
export type Rewritten = { reason: 'record'; detail: string } | { reason: 'vote_key_changed' };

/** What the page says above the votes. */
export type PageNotice = { kind: 'info'; what: 'no_committee' | 'no_meeting' } | { kind: 'error'; error: unknown };

/** An inspector's check of one sealed close. */
export interface Audit {
  /** What was checked (auditKey): another close served, even under the same sealHash, is checked anew. */
  key: string;
  running: boolean;
  /** This device's own hash of the sealed close (what it signs). */
  localSeal?: string;
  report?: VerificationReport;
  problem?: { code: 'prepared_hash' | 'seal_hash' } | { code: 'failed'; error: unknown };
}

export class MemberFlow {
  committees: Committee[] | undefined;
  committeeId: string | undefined;
  meetings: Meeting[] = [];
  meetingId: string | undefined;
  attendance: Attendance | undefined;
  votes: Vote[] = [];
  notice: PageNotice | undefined;
  /** Set once the record contradicts what this device verified before; the flow then refuses to vote. */
  rewritten: Rewritten | undefined;
  /** What this device keeps per vote, as last stored. */
  readonly local = new Map<string, StoredVote>();
  /** One device task per vote at a time, each vote's failure kept for its card (vote-tasks.ts). */
  private readonly tasks = new VoteTasks(failureCode, () => this.deps.onChange());
  /** Votes with a task running (one at a time per vote). */
  readonly busy = this.tasks.busy;
  readonly failures = this.tasks.failures;
  /** Hash of each vote's vote.created entry in the verified chain (the fingerprint's source). */
  readonly createdHashes = new Map<string, string>();
  /** The close in progress, by vote, as last read from /closing. */
  readonly closings = new Map<string, Closing>();
  readonly audits = new Map<string, Audit>();

  constructor(
    private readonly deps: MemberFlowDeps,
    start: { committeeId?: string | undefined; meetingId?: string | undefined } = {},
  ) {
    this.committeeId = start.committeeId;
    this.meetingId = start.meetingId;
  }

  present(): boolean {
    return this.attendance?.presentMemberIds.includes(this.deps.me.personId) ?? false;
  }

  /** Another meeting chosen: its attendance and votes are read at the next refresh. */
  selectMeeting(meetingId: string): void {
    this.meetingId = meetingId;
    this.attendance = undefined;
    this.votes = [];
  }

  /**
   * One round: the member's committees, meetings, attendance and votes; the chain re-read while a
   * vote is not closed; then, vote by vote, the one step due (token, outbox, confirmation, count
   * check) and an inspector's audit of a sealed close.
   */
  async refresh(): Promise<void> {
    const { api, me } = this.deps;
    try {
      this.committees ??= (await api.get<{ committees: Committee[] }>('/v1/committees')).committees.filter((c) => me.memberOf.includes(c.id));
      if (this.committees.length === 0) {
        this.notice = { kind: 'info', what: 'no_committee' };
        return;
      }
      this.committeeId ??= this.committees[0]!.id;
      this.meetings = (await api.get<{ meetings: Meeting[] }>(`/v1/committees/${this.committeeId}/meetings`)).meetings;
      if (!this.meetingId || !this.meetings.some((m) => m.id === this.meetingId)) {
        this.meetingId = [...this.meetings].reverse().find((m) => m.state === 'open')?.id ?? this.meetings.at(-1)?.id;
      }
      if (!this.meetingId) {
        this.attendance = undefined;
        this.votes = [];
        this.notice = { kind: 'info', what: 'no_meeting' };
        return;
      }
      [this.attendance, this.votes] = await Promise.all([
        api.get<Attendance>(`/v1/meetings/${this.meetingId}/attendance`),
        api.get<{ votes: Vote[] }>(`/v1/meetings/${this.meetingId}/votes`).then((r) => r.votes),
      ]);
      this.notice = undefined;
      for (const vote of this.votes) await this.stored(vote.id);
      if (this.votes.some((v) => v.state !== 'closed')) {
        try {
          await this.checkRecord();
        } catch (e) {
          if (!(e instanceof RecordError && e.rewritten)) throw e;
        }
      }
      this.deps.onChange();
      for (const vote of this.votes) await this.step(vote);
    } catch (e) {
      this.notice = { kind: 'error', error: e };
    }
  }

  /** The step due for one vote, if any. */
  private async step(vote: Vote): Promise<void> {
    const v = this.local.get(vote.id);
    if (this.rewritten && vote.state !== 'closed') return;
    if ((vote.state === 'draft' || vote.state === 'open') && this.present() && !v?.token) {
      // Not present (yet) or already closed: nothing to fetch, nothing to report.
      await this.tasks.run(vote.id, () => this.ensureToken(vote), ['not_eligible']);
    } else if (vote.state === 'open' && v?.ballot && !v.receipt && !v.refused) {
      await this.tasks.run(vote.id, () => this.sendBallot(vote.id));
    } else if (vote.state === 'confirming' && v?.ballot && v.ballotHash && !v.confirmedClose && !v.missingFromClose) {
      // Sealed meanwhile: too late to confirm, nothing to report on the card.
      await this.tasks.run(vote.id, () => this.confirmBallot(vote), ['invalid_state']);
    } else if (vote.state === 'closed' && v?.receipt && v.counted === undefined) {
      await this.tasks.run(vote.id, () => this.checkCounted(vote));
    }
    if (vote.state === 'countersigning') {
      const view = await this.deps.api.get<Closing>(`/v1/votes/${vote.id}/closing`);
      this.closings.set(vote.id, view);
      if (view.state === 'countersigning' && view.inspectors.includes(this.deps.me.personId)) this.startAudit(vote, view);
    }
  }

  /** The member marked a candidate: kept on the device so a reload mid-vote loses no marks. False when the ballot is already cast. */
  setMark(voteId: string, itemId: string, candidateId: string, mark: Mark): boolean {
    const v = this.local.get(voteId);
    if (!v || v.ballot) return false;
    const draft: Choices = structuredClone(v.draft ?? {});
    (draft[itemId] ??= {})[candidateId] = mark;
    const next = { ...v, draft };
    this.local.set(voteId, next);
    void this.deps.storage.save(next);
    return true;
  }

  /** A token, no ballot yet, every candidate marked, and a record this device still trusts. */
  canCast(voteId: string): boolean {
    const v = this.local.get(voteId);
    return Boolean(v?.token && !v.ballot && !this.rewritten && unmarked(v.definition, v.draft) === 0);
  }

  /** Casts the reviewed draft: into the outbox first, then sent. */
  cast(voteId: string): Promise<void> {
    const v = this.local.get(voteId);
    if (!v?.token || !this.canCast(voteId)) return Promise.resolve();
    const token = v.token;
    const choices = v.draft ?? {};
    return this.tasks.run(voteId, async () => {
      this.refuseIfRewritten();
      const ballot = validateBallot(v.definition, buildBallot(token, choices));
      // Into the outbox before anything is sent, network or not: from here on this device only
      // ever sends this very ballot, until it has a receipt.
      await this.keep({ ...v, ballot, ballotHash: ballotHash(ballot) });
      await this.sendBallot(voteId);
    });
  }

  /** 签字确认: signs this device's own hash of the sealed close it verified. */
  countersign(voteId: string): Promise<void> {
    return this.tasks.run(voteId, async () => {
      const audit = this.audits.get(voteId);
      const view = this.closings.get(voteId);
      if (!audit?.report?.ok || !audit.localSeal || !view || audit.key !== auditKey(view) || audit.localSeal !== view.sealHash) return;
      const deviceSignature = await this.deps.api.sign(countersignatureMessage(voteId, audit.localSeal));
      this.closings.set(voteId, await this.deps.api.post<Closing>(`/v1/votes/${voteId}/countersignatures`, { deviceSignature }));
    });
  }

  // ── Steps ──────────────────────────────────────────────────────────────────────────────────

  private async stored(voteId: string): Promise<StoredVote | undefined> {
    if (!this.local.has(voteId)) {
      const v = await this.deps.storage.load(voteId, this.deps.me.personId);
      if (v) this.local.set(voteId, v);
    }
    return this.local.get(voteId);
  }

  private async keep(v: StoredVote): Promise<void> {
    await this.deps.storage.save(v);
    this.local.set(v.voteId, v);
  }

  /** 签到即领票: one token per vote, the request stored before it is sent. */
  private async ensureToken(vote: Vote): Promise<void> {
    const { api, me, record } = this.deps;
    let v = await this.stored(vote.id);
    if (v?.token) return;
    if (!v) {
      // A draft is not in the record until it opens (issue 12): the token is taken now (签到即领票)
      // with the key served, and checkRecord holds that key and the whole definition to the
      // record's vote.created entry once the vote opens, before any ballot leaves.
      const { definition, createdHash } =
        vote.state === 'draft'
          ? { definition: vote.definition, createdHash: undefined }
          : await this.guarded(() => record.pinnedDefinition(vote.committeeId, vote.id));
      this.refuseIfRewritten();
      if (definition.publicKey !== vote.definition.publicKey) throw new MemberFlowError('vote_key_mismatch');
      v = {
        voteId: vote.id,
        personId: me.personId,
        request: createTokenRequest(vote.id, this.deps.randomBytes, versionOf(definition)),
        definition,
        createdHash,
      };
      await this.keep(v);
    }
    this.refuseIfRewritten();
    const deviceSignature = await api.sign(tokenRequestMessage(vote.id, v.request.blindedPoint));
    const reply = await api.post<{ blindSignature: string }>(`/v1/votes/${vote.id}/tokens`, { blindedPoint: v.request.blindedPoint, deviceSignature });
    await this.keep({ ...v, token: finishToken(v.request, reply.blindSignature, v.definition.publicKey) });
  }

  /** Runs fn; a RecordError saying the record was rewritten makes the flow refuse from then on. */
  private async guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RecordError && e.rewritten) this.rewritten ??= { reason: 'record', detail: e.message };
      throw e;
    }
  }

  private refuseIfRewritten(): void {
    if (this.rewritten) throw new MemberFlowError('record_rewritten');
  }

  /**
   * Re-reads the committee's chain (only what is new), which must extend the pinned head, and
   * holds every vote's stored key to its vote.created entry there.
   */
  private async checkRecord(): Promise<void> {
    const committeeId = this.committeeId;
    if (!committeeId) return;
    const chain = await this.guarded(() => this.deps.record.verifiedChain(committeeId));
    for (const vote of this.votes) {
      const entry = voteCreatedEntry(chain, vote.id);
      if (!entry) continue;
      this.createdHashes.set(vote.id, entry.hash);
      const v = this.local.get(vote.id);
      if (!v) continue;
      const sameDefinition = () => bytesEqual(canonicalBytes(v.definition), canonicalBytes(entry.body.definition));
      if (v.definition.publicKey !== entry.body.definition.publicKey || (v.createdHash !== undefined ? v.createdHash !== entry.hash : !sameDefinition())) {
        this.rewritten ??= { reason: 'vote_key_changed' };
      }
    }
  }

  /**
   * Sends the ballot in this device's outbox. Called at the cast and then by every refresh until
   * the service answers with a receipt or a definite refusal; a failure that may pass (no
   * network, the service busy or restarting) leaves it in the outbox for the next round.
   * Re-sending is safe: the service answers the identical ballot with the same receipt.
   */
  private async sendBallot(voteId: string): Promise<void> {
    const v = this.local.get(voteId);
    if (!v) return;
    await sendFromOutbox(
      v,
      {
        castBallot: (b) => this.deps.castBallot(b),
        serviceKeys: () => this.deps.record.serviceKeys(),
        explain: (e) => this.deps.explain(e),
        keep: (next) => this.keep(next),
      },
      async () => {
        // The chain once more before the ballot leaves: it must still extend the pinned head, and
        // hold this vote's vote.created entry (its key checked against the one the token is for).
        await this.checkRecord();
        this.refuseIfRewritten();
        if (!this.createdHashes.has(voteId)) throw new MemberFlowError('not_in_record');
      },
    );
  }

  private async checkCounted(vote: Vote): Promise<void> {
    const v = this.local.get(vote.id);
    if (!v) return;
    const found = await countedInRecord(v, vote.committeeId, this.deps.record, (check) => this.guarded(check));
    if (found) await this.keep({ ...v, ...found });
  }

  /**
   * The member's confirmation (version 2): the prepared close is hashed here, the ballot this
   * device cast is looked up in it by the hash kept at casting, and only a ballot found unchanged
   * is confirmed, with a device signature over this device's own hash of what it checked. A
   * ballot that is not there is never confirmed: the card raises the alarm and keeps the receipt.
   */
  private async confirmBallot(vote: Vote): Promise<void> {
    const { api } = this.deps;
    const v = this.local.get(vote.id);
    if (!v?.ballot || !v.ballotHash || v.confirmedClose || v.missingFromClose) return;
    this.refuseIfRewritten();
    const view = await api.get<Closing>(`/v1/votes/${vote.id}/closing`);
    this.closings.set(vote.id, view);
    if (view.state !== 'confirming') return;
    const hash = preparedHash(view.prepared);
    if (view.prepared.voteId !== vote.id || hash !== view.preparedHash) throw new MemberFlowError('close_hash_mismatch');
    const found = view.prepared.ballots.find((b) => {
      try {
        return ballotHash(b) === v.ballotHash;
      } catch {
        return false;
      }
    });
    if (!found) {
      // With a receipt the ballot was recorded: its absence is the alarm. Without one (still in
      // the outbox when voting ended) the outbox already says it was not delivered.
      if (v.receipt) await this.keep({ ...v, missingFromClose: hash });
      return;
    }
    if (v.receipt) await checkReceipt(v.receipt, await this.deps.record.serviceKeys(), found);
    const deviceSignature = await api.sign(confirmationMessage(vote.id, hash));
    await api.post(`/v1/votes/${vote.id}/confirmations`, { deviceSignature });
    await this.keep({ ...v, confirmedClose: hash });
  }

  /** Starts the inspector's check of the sealed close (once per content served). */
  private startAudit(vote: Vote, view: Closing): void {
    const key = auditKey(view);
    if (this.audits.get(vote.id)?.key === key) return;
    this.audits.set(vote.id, { key, running: true });
    this.auditClose(vote, view)
      .then(
        (r) => this.audits.set(vote.id, { key, running: false, ...r }),
        (e: unknown) => this.audits.set(vote.id, { key, running: false, problem: { code: 'failed', error: e } }),
      )
      .finally(() => this.deps.onChange());
  }

  /**
   * The would-be record: the committee's chain, verified and held to this device's pin, and the
   * vote.closed entry the last countersignature will append (still without countersignatures),
   * checked by the project's verifier as for a published record. The hashes are computed here.
   */
  private async auditClose(vote: Vote, view: Closing): Promise<Pick<Audit, 'report' | 'localSeal' | 'problem'>> {
    const prepared = preparedHash(view.prepared);
    if (view.prepared.voteId !== vote.id || prepared !== view.preparedHash) return { problem: { code: 'prepared_hash' } };
    const localSeal = sealHash({ voteId: vote.id, preparedHash: prepared, confirmations: view.confirmations, decision: view.decision });
    if (localSeal !== view.sealHash) return { problem: { code: 'seal_hash' } };
    const chain = await this.guarded(() => this.deps.record.verifiedChain(vote.committeeId));
    const entry = makeEntry(chain.at(-1)!, vote.committeeId, 'vote.closed', {
      ...view.prepared,
      confirmations: view.confirmations,
      decision: view.decision,
      countersignatures: [],
    });
    const record = { committeeId: vote.committeeId, voteId: vote.id, entries: [...chain, entry], head: { seq: entry.seq, hash: entry.hash } };
    const report = await this.deps.verify({ record, jwks: await this.deps.record.serviceKeys(), beforeCountersigning: true });
    return { report, localSeal };
  }
}

/**
 * After the close, for a member's device and a participant's phone alike: the vote's record is
 * read and checked (its links hold and it is the history this device pinned; `guard` sees that
 * check's failure), the ballot is looked up by the hash kept at casting and the receipt checked
 * against it. Answers what to keep (counted, and the close's head to compare with the
 * projector), or nothing when no ballot with a receipt was cast here.
 */
export async function countedInRecord(
  v: Pick<StoredVote<AnyVoteDefinition, AnyChoices>, 'voteId' | 'receipt' | 'ballotHash'>,
  committeeId: string,
  record: Pick<MemberFlowDeps['record'], 'readVoteRecord' | 'checkVoteRecord' | 'serviceKeys'>,
  guard: (check: () => Promise<void>) => Promise<void> = (check) => check(),
): Promise<Pick<StoredVote, 'counted' | 'closedHead'> | undefined> {
  if (!v.receipt || !v.ballotHash) return undefined;
  const read = await record.readVoteRecord(v.voteId);
  // Only a record whose links hold and which is the history this device pinned can say
  // whether the ballot was counted.
  await guard(() => record.checkVoteRecord(read, committeeId, v.voteId));
  const found = findBallotInRecord(read, v.ballotHash);
  if (found) await checkReceipt(v.receipt, await record.serviceKeys(), found);
  // The last entry of the record just checked (its links verified): the close.
  const last = read.entries.at(-1) as { seq: number; hash: string } | undefined;
  return { counted: found !== null, ...(last ? { closedHead: { seq: last.seq, hash: last.hash } } : {}) };
}

/** What the outbox needs to send one ballot: the anonymous cast, the service's keys, the refusal's words, the device's storage. */
export interface OutboxIo<V> {
  castBallot(ballot: Ballot): Promise<{ ballotHash: string; receipt: string }>;
  serviceKeys(): Promise<JSONWebKeySet>;
  explain(e: unknown): string;
  keep(v: V): Promise<void>;
}

/**
 * The outbox's one send, for a member's device and a participant's phone alike: the stored
 * ballot (after `before`, the caller's own checks) goes out; a receipt, checked against the
 * service's keys, is kept and the draft dropped; a definite refusal is kept and never re-sent; a
 * failure that may pass leaves the ballot in the outbox for the next round. Re-sending is safe:
 * the service answers the identical ballot with the same receipt.
 */
export async function sendFromOutbox<V extends Pick<StoredVote<AnyVoteDefinition, AnyChoices>, 'ballot' | 'receipt' | 'refused' | 'ballotHash' | 'draft'>>(
  v: V,
  io: OutboxIo<V>,
  before?: () => Promise<void>,
): Promise<void> {
  if (!v.ballot || v.receipt || v.refused) return;
  try {
    await before?.();
    const r = await io.castBallot(v.ballot);
    await checkReceipt(r.receipt, await io.serviceKeys(), v.ballot);
    const { draft: _draft, ...rest } = v;
    await io.keep({ ...rest, receipt: r.receipt, ballotHash: r.ballotHash } as V);
  } catch (e) {
    if (e instanceof ApiError && !retryable(e)) await io.keep({ ...v, refused: { code: e.code, text: io.explain(e) } });
    throw e;
  }
}

/** A refusal that may pass by itself: no network, the service busy, restarting or overloaded. */
export function retryable(e: ApiError): boolean {
  return e.code === 'network' || e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500;
}

export function failureCode(e: unknown): string {
  if (e instanceof ApiError || e instanceof MemberFlowError || e instanceof ProtocolError) return e.code;
  if (e instanceof RecordError) return e.rewritten ? 'record_rewritten' : 'record_invalid';
  return 'failed';
}

/** Candidates of the definition with no mark in the draft. */
export function unmarked(def: VoteDefinition, draft: Choices | undefined): number {
  let n = 0;
  for (const item of def.items) for (const c of item.candidates) if (!draft?.[item.itemId]?.[c.candidateId]) n++;
  return n;
}

/** The sealed close as served, by content: the seal hash it states and the one computed from what it holds. */
export function auditKey(view: Closing): string {
  try {
    return `${view.sealHash}:${sealHash({ voteId: view.voteId, preparedHash: preparedHash(view.prepared), confirmations: view.confirmations, decision: view.decision })}`;
  } catch {
    // Malformed: the check itself reports it.
    return `${view.sealHash}:malformed`;
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
