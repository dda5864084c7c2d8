// Ballots are written in mixed batches (issue 12, metadata). The order in which a database keeps
// rows is metadata an administrator can read: each row's transaction id (xmin) and its place
// in the table (ctid) follow the order of the transactions that wrote it. Written one ballot per
// transaction, the ballots of a vote interleave with the token issuances in transaction-id order,
// so a member recorded present mid-vote is matched to the ballot they cast next.
//
// Here a ballot that has passed every check waits, with the other ballots of its vote, until a
// deadline drawn at random when the first of them arrived (uniform in [maxWaitMs/2, maxWaitMs])
// or until `size` are gathered; then all of them are inserted by ONE statement, in a freshly
// shuffled order. The ballots of a batch share one transaction id, and their places in the table
// are a random permutation of the batch: within a batch, the database keeps no trace of the
// order of arrival. Across batches it still does (batch order), and a ballot alone in its batch
// is as visible as before: see docs/PROTOCOL.md, "What the database order reveals".
//
// Nothing is acknowledged early: each cast waits for its batch's statement to commit before its
// receipt is sent, so a crash loses only ballots whose senders got no receipt (and retry).
import { randomInt } from 'node:crypto';
import type { BallotInsert } from './queries.ts';

export interface BallotMixOptions {
  /** Longest wait for companions, in ms; each batch's deadline is drawn in [maxWaitMs/2, maxWaitMs]. 0: write at once. */
  maxWaitMs: number;
  /** A batch is written as soon as it holds this many ballots. */
  size: number;
}

export interface MixedBallot extends BallotInsert {
  voteId: string;
}

/**
 * Writes one batch of ballots of one vote, in the order given, in one statement, and answers
 * the tokens it inserted (a token already recorded, or a vote no longer open, inserts nothing).
 */
export type BallotWriter = (voteId: string, rows: MixedBallot[]) => Promise<Set<string>>;

interface Waiting {
  row: MixedBallot;
  resolve: (inserted: boolean) => void;
  reject: (e: unknown) => void;
}

interface Lane {
  pending: Waiting[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Fisher–Yates with the operating system's randomness. */
export function shuffle<T>(items: readonly T[], pick: (n: number) => number = randomInt): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export class BallotMixer {
  private readonly lanes = new Map<string, Lane>();
  /** Batches written and ballots in them, for tests and the bench. */
  readonly stats = { batches: 0, ballots: 0, largest: 0 };

  constructor(
    private readonly write: BallotWriter,
    readonly options: BallotMixOptions,
  ) {}

  /**
   * Queues a checked ballot for its vote's next batch. Resolves once that batch is committed:
   * true when this ballot was inserted, false when nothing was (its token was already spent,
   * perhaps by an identical ballot of the same batch, or the vote is no longer open).
   */
  add(row: MixedBallot): Promise<boolean> {
    let lane = this.lanes.get(row.voteId);
    if (!lane) {
      lane = { pending: [], timer: undefined };
      this.lanes.set(row.voteId, lane);
    }
    const answer = new Promise<boolean>((resolve, reject) => lane.pending.push({ row, resolve, reject }));
    const max = this.options.maxWaitMs;
    if (lane.pending.length >= Math.max(1, this.options.size) || max <= 0) {
      this.flush(row.voteId, lane);
    } else if (lane.timer === undefined) {
      const wait = randomInt(Math.floor(max / 2), max + 1);
      lane.timer = setTimeout(() => this.flush(row.voteId, lane), wait);
    }
    return answer;
  }

  /** Ballots waiting for their batch, over all votes. */
  waiting(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.pending.length;
    return n;
  }

  private flush(voteId: string, lane: Lane): void {
    if (lane.timer !== undefined) clearTimeout(lane.timer);
    lane.timer = undefined;
    const batch = lane.pending.splice(0);
    if (this.lanes.get(voteId) === lane) this.lanes.delete(voteId);
    if (batch.length === 0) return;
    // One row per token: a second copy (a re-send racing the first) is answered from the row
    // the first one wrote, as a replay or a conflict.
    const chosen = new Map<string, MixedBallot>();
    for (const w of batch) if (!chosen.has(w.row.token)) chosen.set(w.row.token, w.row);
    const rows = shuffle([...chosen.values()]);
    this.stats.batches++;
    this.stats.ballots += rows.length;
    this.stats.largest = Math.max(this.stats.largest, rows.length);
    this.write(voteId, rows).then(
      (inserted) => {
        for (const w of batch) w.resolve(inserted.has(w.row.token) && chosen.get(w.row.token) === w.row);
      },
      (e: unknown) => {
        for (const w of batch) w.reject(e);
      },
    );
  }
}
