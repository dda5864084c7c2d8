// The per-vote tasks of a device — a member's (member-flow.ts) and a participant's phone
// (slip-flow.ts) alike: one task at a time per vote, and the last task's failure kept for the
// vote's card until a task for that vote succeeds. No DOM: the flows own it and the pages read
// `busy` and `failures` through them.
import { ApiError } from './api.ts';

/** A task's failure on a vote's card: the service's error code, 'network', the protocol's or the flow's own. */
export interface Failure {
  code: string;
  error: unknown;
}

export class VoteTasks {
  /** Votes with a task running (one at a time per vote). */
  readonly busy = new Set<string>();
  readonly failures = new Map<string, Failure>();

  /**
   * @param codeOf the code a failure shows on the card (each flow knows its own errors).
   * @param onChange called when a task starts and when it ends, so the page re-renders.
   */
  constructor(
    private readonly codeOf: (e: unknown) => string,
    private readonly onChange: () => void,
  ) {}

  /**
   * Runs fn for the vote unless a task for it is running. A service refusal whose code is in
   * `quiet` is expected (the step is retried by a later round) and clears the failure instead.
   */
  async run(voteId: string, fn: () => Promise<void>, quiet: readonly string[] = []): Promise<void> {
    if (this.busy.has(voteId)) return;
    this.busy.add(voteId);
    this.onChange();
    try {
      await fn();
      this.failures.delete(voteId);
    } catch (e) {
      if (e instanceof ApiError && quiet.includes(e.code)) this.failures.delete(voteId);
      else this.failures.set(voteId, { code: this.codeOf(e), error: e });
    } finally {
      this.busy.delete(voteId);
      this.onChange();
    }
  }
}
