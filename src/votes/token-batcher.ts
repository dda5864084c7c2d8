// Micro-batching of the token checks of concurrent casts (issue 12). A single token check is a
// full pairing (~20 ms); a batch check of n tokens of one vote key is one pairing plus two
// multi-scalar multiplications (a few ms per token). Casts of one vote that arrive while its
// earlier checks are running are gathered and checked as one batch in a crypto worker, with
// fresh random coefficients drawn there (crypto-tasks.ts verifyTokenBatch); when the batch
// fails, bisection names exactly the bad tokens, so every cast gets the answer a check of its
// own would give (tests/unit/token-batcher.test.ts).
//
// - A lone cast never waits: with nothing of its vote being checked, it is checked at once,
//   alone, by the single-token task.
// - While some of the vote's checks are running, a new cast waits at most `windowMs` for others
//   to join, or until the batch is full; at most `parallel` batches of one vote run at once (one
//   per crypto worker), and casts arriving meanwhile form the next batch.
// - A batch with a bad token halves the vote's batch size (down to one: single checks); a good
//   batch doubles it again (up to `max`); an idle vote starts again at `max`. A flood of garbage ballots therefore costs about what
//   single checks cost, and honest casts in a batch with a garbage one are still accepted.
// - A version-2 cast brings its ballot too (verifyCast): the worker checks the batch's ballot
//   signatures first (Ed25519, batched the same way, one by one if that fails), then the tokens
//   of the casts whose ballot signature verified, so a cast with a bad ballot signature still
//   costs no pairing, and each cast takes one trip to a worker instead of two. Only bad tokens
//   shrink the batches (a bad ballot signature costs no more than its single check).
import type { ProtocolVersion } from '../protocol/version.ts';
import type { TokenItem } from '../protocol/tokens.ts';
import type { BallotV2 } from '../protocol/ballot.ts';
import type { CastAnswer, CastItem, VoteCrypto } from './crypto-tasks.ts';

export interface TokenBatchOptions {
  /** Most tokens per batch; 1 turns batching off (every token checked alone). */
  max: number;
  /** Longest wait for companions while the vote already has a batch running, in ms. */
  windowMs: number;
  /** Batches of one vote key checked at once (the number of crypto workers). */
  parallel: number;
}

/** What names one batch: tokens of one vote, checked under one public key and version. */
export interface TokenKey {
  voteId: string;
  /** The vote's public key bytes. */
  publicKey: Uint8Array;
  /** Any string that names the key (e.g. its base64url form), to group casts. */
  publicKeyId: string;
  version: ProtocolVersion;
}

interface Waiting {
  t: Uint8Array;
  signature: Uint8Array;
  /** Version 2: the ballot whose signature is checked before the token. */
  ballot: BallotV2 | undefined;
  resolve: (answer: CastAnswer) => void;
  reject: (e: unknown) => void;
}

interface Lane {
  key: TokenKey;
  pending: Waiting[];
  running: number;
  /** The current batch size limit, between 1 and max. */
  cap: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class TokenBatcher {
  private readonly lanes = new Map<string, Lane>();
  /** Batches sent and tokens checked in them, for tests and the bench. */
  readonly stats = { batches: 0, tokens: 0, failedBatches: 0 };

  constructor(
    private readonly crypto: Pick<VoteCrypto, 'run'>,
    readonly options: TokenBatchOptions,
  ) {}

  /** The token's verifyToken answer (true: a valid blind signature under the key). */
  async verify(key: TokenKey, t: Uint8Array, signature: Uint8Array): Promise<boolean> {
    if (this.options.max <= 1) return this.crypto.run('verifyToken', key.publicKey, key.voteId, t, signature, key.version);
    return (await this.enqueue(key, t, signature, undefined)) === 'ok';
  }

  /**
   * A version-2 cast's checks: its ballot signature, then (only if that verifies) its token
   * (crypto-tasks.ts verifyCasts), batched with the vote's other casts in flight.
   */
  verifyCast(key: TokenKey, t: Uint8Array, signature: Uint8Array, ballot: BallotV2): Promise<CastAnswer> {
    if (this.options.max <= 1) return this.crypto.run('verifyCasts', key.publicKey, [this.item(key, { t, signature, ballot })]).then((a) => a[0]!);
    return this.enqueue(key, t, signature, ballot);
  }

  private enqueue(key: TokenKey, t: Uint8Array, signature: Uint8Array, ballot: BallotV2 | undefined): Promise<CastAnswer> {
    const id = `${key.voteId}\u0000${key.version}\u0000${key.publicKeyId}`;
    let found = this.lanes.get(id);
    if (!found) {
      found = { key, pending: [], running: 0, cap: this.options.max, timer: undefined };
      this.lanes.set(id, found);
    }
    const lane = found;
    const answer = new Promise<CastAnswer>((resolve, reject) => lane.pending.push({ t, signature, ballot, resolve, reject }));
    this.pump(id, lane);
    return answer;
  }

  private item(key: TokenKey, w: Pick<Waiting, 't' | 'signature' | 'ballot'>): CastItem {
    return { voteId: key.voteId, t: w.t, signature: w.signature, version: key.version, ...(w.ballot ? { ballot: w.ballot } : {}) };
  }

  /** Tokens waiting for a batch (not yet sent to a worker), over all votes. */
  waiting(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.pending.length;
    return n;
  }

  private pump(id: string, lane: Lane): void {
    const parallel = Math.max(1, this.options.parallel);
    while (lane.pending.length > 0 && lane.running < parallel) {
      const full = lane.pending.length >= lane.cap;
      if (!full && lane.running > 0 && this.options.windowMs > 0) {
        lane.timer ??= setTimeout(() => {
          lane.timer = undefined;
          if (lane.pending.length > 0 && lane.running < parallel) this.send(id, lane);
          this.pump(id, lane);
        }, this.options.windowMs);
        return;
      }
      this.send(id, lane);
    }
    if (lane.pending.length === 0 && lane.running === 0 && lane.timer === undefined) this.lanes.delete(id);
  }

  private send(id: string, lane: Lane): void {
    if (lane.timer !== undefined) {
      clearTimeout(lane.timer);
      lane.timer = undefined;
    }
    const batch = lane.pending.splice(0, lane.cap);
    const { key } = lane;
    lane.running++;
    this.stats.batches++;
    this.stats.tokens += batch.length;
    const tokenAnswer = (ok: boolean): CastAnswer => (ok ? 'ok' : 'token');
    const checked: Promise<CastAnswer[]> = batch.some((w) => w.ballot !== undefined)
      ? this.crypto.run(
          'verifyCasts',
          key.publicKey,
          batch.map((w) => this.item(key, w)),
        )
      : batch.length === 1
        ? this.crypto.run('verifyToken', key.publicKey, key.voteId, batch[0]!.t, batch[0]!.signature, key.version).then((ok) => [tokenAnswer(ok)])
        : this.crypto
            .run(
              'verifyTokenBatch',
              key.publicKey,
              batch.map((w): TokenItem => ({ voteId: key.voteId, t: w.t, signature: w.signature, version: key.version })),
            )
            .then((oks) => oks.map(tokenAnswer));
    checked.then(
      (answers) => {
        // Only bad tokens (whose search costs pairings) shrink the vote's batches.
        const allGood = answers.every((a) => a !== 'token');
        if (!allGood) this.stats.failedBatches++;
        lane.cap = allGood ? Math.min(this.options.max, lane.cap * 2) : Math.max(1, lane.cap >> 1);
        batch.forEach((w, i) => w.resolve(answers[i] ?? 'token'));
        this.done(id, lane);
      },
      (e: unknown) => {
        for (const w of batch) w.reject(e);
        this.done(id, lane);
      },
    );
  }

  private done(id: string, lane: Lane): void {
    lane.running--;
    this.pump(id, lane);
  }
}
