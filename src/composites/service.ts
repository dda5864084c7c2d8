// 三元测评 composites (issue 15): the committee's secretary combines closed evaluation votes of
// the committee (one per source, each its own meeting) with weights into one composite per
// cadre. The service only gathers the sources' published tallies and heads; the arithmetic and
// the checks on weights, points and cadres are the protocol's (composite.ts), so the entry it
// appends is exactly what an observer's verifyCompositeOnChain recomputes.
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { appendEntry, lockHead, readEntries } from '../chain/store.ts';
import { compositeBody, DEFAULT_POINTS, parseCompositeDefinition, type CompositeBody, type GradePoints } from '../protocol/composite.ts';
import type { EvaluationTally } from '../protocol/shapes.ts';
import { findVote, publishedTally } from '../votes/service.ts';
import { listCompositeEntries } from './queries.ts';

export interface CompositeInput {
  title: string;
  sources: { label: string; voteId: string; weight: number }[];
  /** The points scale; absent: 优秀 100, 称职 80, 基本称职 60, 不称职 0. */
  points?: GradePoints[] | undefined;
}

export interface CompositeView {
  committeeId: string;
  compositeId: string;
  seq: number;
  hash: string;
  body: CompositeBody;
}

/**
 * Publishes a composite: every source must be a vote of this committee, closed with its result
 * published, and an evaluation (民主测评); the rest (weights summing to 100, the same cadres and
 * grades, a valid ballot in each) the protocol checks. A vote is the source of one composite at
 * most: a composite is published once, never recomputed with other weights. One transaction
 * under the chain head's lock, taken first, so that two publishes over the same source cannot
 * both pass that check.
 */
export async function publishComposite(ctx: AppContext, committeeId: string, input: CompositeInput, by: string): Promise<CompositeView> {
  return ctx.db.transaction(async (tx) => {
    if (!(await lockHead(tx, committeeId))) throw new AppError('not_found', 'No such committee.');
    const used = new Map((await listCompositeEntries(tx, committeeId)).flatMap((e) => e.body.sources.map((s) => [s.voteId, e.body.compositeId] as const)));
    const tallies: EvaluationTally[] = [];
    const sources = [];
    for (const [i, s] of input.sources.entries()) {
      const vote = await findVote(tx, s.voteId);
      if (vote.committee_id !== committeeId)
        throw new AppError('composite_source_foreign', `Source ${i} (${s.label}) is a vote of another committee.`, { field: `sources.${i}.voteId` });
      if (vote.state !== 'closed')
        throw new AppError('composite_source_not_closed', `Source ${i} (${s.label}) has not closed with a published result.`, { field: `sources.${i}.voteId` });
      const { tally, closedSeq } = await publishedTally(tx, vote);
      const shaped = tally.shaped?.length === 1 ? tally.shaped[0] : undefined;
      if (shaped?.shape !== 'evaluation')
        throw new AppError('composite_source_not_evaluation', `Source ${i} (${s.label}) is not an evaluation (民主测评).`, { field: `sources.${i}.voteId` });
      tallies.push(shaped);
      sources.push({
        label: s.label,
        committeeId,
        voteId: vote.id,
        head: { seq: closedSeq, hash: (await readEntries(tx, committeeId, { from: closedSeq, to: closedSeq }))[0]!.hash },
        weight: s.weight,
      });
    }
    const definition = parseCompositeDefinition({
      compositeId: randomUUID(),
      title: input.title,
      sources,
      points: input.points ?? DEFAULT_POINTS.map((p) => ({ ...p })),
    });
    const composite = compositeBody(definition, tallies, by);
    // Last, so that a request wrong in itself is told what is wrong with it first.
    for (const [i, s] of input.sources.entries()) {
      const earlier = used.get(s.voteId);
      if (earlier !== undefined)
        throw new AppError('composite_source_used', `Source ${i} (${s.label}) is already a source of the published composite ${earlier}.`, {
          field: `sources.${i}.voteId`,
          extra: { compositeId: earlier },
        });
    }
    const entry = await appendEntry(tx, committeeId, 'composite.published', composite);
    return { committeeId, compositeId: definition.compositeId, seq: entry.seq, hash: entry.hash, body: entry.body as CompositeBody };
  });
}

export async function listComposites(ctx: AppContext, committeeId: string): Promise<CompositeView[]> {
  return (await listCompositeEntries(ctx.db, committeeId)).map((e) => ({
    committeeId,
    compositeId: e.body.compositeId,
    seq: e.seq,
    hash: e.hash,
    body: e.body,
  }));
}

export async function findComposite(ctx: AppContext, committeeId: string, compositeId: string): Promise<CompositeView> {
  const found = (await listComposites(ctx, committeeId)).find((c) => c.compositeId === compositeId);
  if (!found) throw new AppError('not_found', 'No such composite.');
  return found;
}
