// Admission control for the anonymous cast route. Anyone who knows an open vote's id can post
// well-formed ballots whose only flaw the pairing finds (~20–45 ms of CPU each), so the
// expensive checks are bounded: at most `perVote` casts of one vote and `total` casts in all
// may be in verification (running or waiting for a crypto worker) at once. A cast beyond
// that is refused at once with 503 cast_queue_full and Retry-After; the member page's outbox
// sends it again by itself. Nothing about the sender is kept.
//
// The parsed definition of an open vote is kept here too, so a cast does not read and parse a
// definition of up to a few hundred KB each time; it is dropped when the vote is seen closed.
import { AppError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import type { VoteDefinition } from '../protocol/ballot.ts';
import { TokenBatcher } from './token-batcher.ts';
import { BallotMixer } from './ballot-mixer.ts';
import { insertBallots } from './queries.ts';

/** Seconds a refused cast should wait before it is sent again. */
export const CAST_RETRY_AFTER = 1;

export class CastAdmission {
  private readonly inFlight = new Map<string, number>();
  private total = 0;

  constructor(
    readonly perVote: number,
    readonly totalLimit: number,
  ) {}

  /** Runs `verify` if the vote and the service have room, or refuses with cast_queue_full. */
  async admit<T>(voteId: string, verify: () => Promise<T>): Promise<T> {
    const n = this.inFlight.get(voteId) ?? 0;
    if (n >= this.perVote || this.total >= this.totalLimit) {
      throw new AppError('cast_queue_full', `Too many ballots are being checked; send this one again after ${CAST_RETRY_AFTER} s.`);
    }
    this.inFlight.set(voteId, n + 1);
    this.total++;
    try {
      return await verify();
    } finally {
      this.total--;
      const left = this.inFlight.get(voteId)! - 1;
      if (left === 0) this.inFlight.delete(voteId);
      else this.inFlight.set(voteId, left);
    }
  }

  /** Casts of this vote in verification now (for tests and the bench). */
  pending(voteId?: string): number {
    return voteId === undefined ? this.total : (this.inFlight.get(voteId) ?? 0);
  }
}

/** At most this many open votes' definitions are kept; the oldest goes first. */
const MAX_CACHED_DEFINITIONS = 64;

export class DefinitionCache {
  private readonly byVote = new Map<string, VoteDefinition>();

  get(voteId: string): VoteDefinition | undefined {
    return this.byVote.get(voteId);
  }

  set(voteId: string, definition: VoteDefinition): void {
    this.byVote.delete(voteId);
    this.byVote.set(voteId, definition);
    if (this.byVote.size > MAX_CACHED_DEFINITIONS) this.byVote.delete(this.byVote.keys().next().value!);
  }

  drop(voteId: string): void {
    this.byVote.delete(voteId);
  }
}

interface CastState {
  admission: CastAdmission;
  definitions: DefinitionCache;
  /** Batches the token checks of concurrent casts (token-batcher.ts). */
  tokens: TokenBatcher;
  /** Writes checked ballots in shuffled batches after a random wait (ballot-mixer.ts). */
  ballots: BallotMixer;
}

const perService = new WeakMap<AppContext, CastState>();

/** The admission state of one running service (one per AppContext). */
export function castState(ctx: AppContext): CastState {
  let s = perService.get(ctx);
  if (!s) {
    s = {
      admission: new CastAdmission(ctx.config.castQueue.perVote, ctx.config.castQueue.total),
      definitions: new DefinitionCache(),
      tokens: new TokenBatcher(ctx.crypto, { ...ctx.config.castBatch, parallel: ctx.config.cryptoThreads }),
      ballots: new BallotMixer((voteId, rows) => insertBallots(ctx.db, voteId, rows), ctx.config.ballotMix),
    };
    perService.set(ctx, s);
  }
  return s;
}
