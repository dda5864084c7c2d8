// The HTTP routes of meetings of participants holding slips (issue 15). Two routers:
// - participantRouter, mounted before authentication: a phone spends a participation code for
//   a participant credential, lists its meeting's votes and takes one blind token per vote,
//   with that credential (never a member's access token, nor the reverse);
// - slipsRouter, for the committee's secretary: print slips in batches, read the counts, void
//   unused slips.
// And the body of a 民主推荐 / 民主测评 vote, which POST /v1/meetings/{id}/votes hands here.
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { AppContext } from '../../context.ts';
import { requirePrincipal } from '../auth.ts';
import { parseBody, parseId } from '../validate.ts';
import { assertCanRead, assertSecretary } from '../../committees/access.ts';
import { findMeeting, type Meeting } from '../../meetings/service.ts';
import { isOneLinePost } from '../../protocol/ballot.ts';
import { EVALUATION_CADRES_MAX, GRADES_MAX, ITEMS_MAX, RECOMMENDATION_MARKS_MAX, RECOMMENDATION_NAMES_MAX, THRESHOLD_TERM_MAX } from '../../protocol/limits.ts';
import { MORE_THAN_HALF } from '../../protocol/shapes.ts';
import { CANDIDATE_POST_INPUT_MAX } from '../../votes/limits.ts';
import type { VoteView } from '../../votes/service.ts';
import {
  createShapedVote,
  createSlipsMeeting,
  issueSlipToken,
  participantVotes,
  printSlips,
  redeemSlip,
  REDEEM_NONCE,
  slipsSummary,
  SLIPS_PER_BATCH_MAX,
  SLIPS_PER_MEETING_MAX,
  verifyParticipant,
  voidSlips,
} from '../../participants/service.ts';

/** Codes voided by one request (a request body stays within the default body limit). */
export const VOID_CODES_MAX = 200;

// `nonce`: the phone's redemption nonce (REDEEM_NONCE), which makes a lost answer safe to ask again.
const redeemSchema = z.strictObject({ code: z.string().min(1).max(100), nonce: z.string().regex(REDEEM_NONCE).optional() });
const tokenSchema = z.strictObject({ blindedPoint: z.string().min(1).max(200) });
const printSchema = z.strictObject({ count: z.number().int().min(1).max(SLIPS_PER_BATCH_MAX) });
const voidSchema = z
  .strictObject({ codes: z.array(z.string().min(1).max(100)).min(1).max(VOID_CODES_MAX).optional(), batch: z.number().int().min(1).optional() })
  .refine((v) => (v.codes === undefined) !== (v.batch === undefined), { message: 'give codes or batch, not both', path: ['codes'] });

/** A meeting of participants: its title and 应到 (POST /v1/committees/{id}/meetings with kind slips). */
export const slipsMeetingSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  kind: z.literal('slips'),
  entitled: z.number().int().min(1).max(SLIPS_PER_MEETING_MAX),
});

const name = z.string().trim().min(1).max(64);
const post = z.string().trim().min(1).max(CANDIDATE_POST_INPUT_MAX).refine(isOneLinePost, { message: 'a post must be one line without control characters' });
const candidate = z.union([name, z.strictObject({ name, currentPost: post.optional(), proposedPost: post.optional() })]);
const candidateName = (c: z.output<typeof candidate>) => (typeof c === 'string' ? c : c.name);
const distinct = (cs: z.output<typeof candidate>[]) => new Set(cs.map(candidateName)).size === cs.length;
const term = z.number().int().min(1).max(THRESHOLD_TERM_MAX);
const recommendation = z.strictObject({
  shape: z.literal('recommendation'),
  post: z.string().trim().min(1).max(512),
  maxMarks: z.number().int().min(1).max(RECOMMENDATION_MARKS_MAX),
  threshold: z.strictObject({ comparison: z.enum(['more_than', 'at_least']), num: term, den: term }).default(MORE_THAN_HALF),
  candidates: z.array(candidate).min(1).max(RECOMMENDATION_NAMES_MAX).refine(distinct, { message: 'a name is listed twice' }),
});
const evaluation = z.strictObject({
  shape: z.literal('evaluation'),
  title: z.string().trim().min(1).max(512),
  // Codes and names are checked by the protocol's parser (parseGrades): one rule for both.
  grades: z
    .array(z.strictObject({ code: z.string(), name: z.string() }))
    .max(GRADES_MAX)
    .optional(),
  candidates: z.array(candidate).min(1).max(EVALUATION_CADRES_MAX).refine(distinct, { message: 'a cadre is listed twice' }),
});
const shapedVoteSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  // More than one item is refused by the protocol's parser (item_mix_invalid, PROTOCOL.md §15.1).
  items: z
    .array(z.discriminatedUnion('shape', [recommendation, evaluation]))
    .min(1)
    .max(ITEMS_MAX),
});

const hasShapedItem = (body: unknown): boolean =>
  typeof body === 'object' &&
  body !== null &&
  Array.isArray((body as { items?: unknown }).items) &&
  (body as { items: unknown[] }).items.some((i) => typeof i === 'object' && i !== null && 'shape' in i);

/**
 * POST /v1/meetings/{id}/votes, issue 15 hook: a meeting of participants takes only 民主推荐 and
 * 民主测评 votes, and a committee meeting only committee items. Answers null when the body is a
 * committee vote for a committee meeting (the votes area creates it).
 */
export async function createShapedVoteFromRequest(ctx: AppContext, meeting: Meeting, body: unknown): Promise<VoteView | null> {
  const shaped = hasShapedItem(body);
  if (meeting.kind !== 'slips' && !shaped) return null;
  if (meeting.kind !== 'slips')
    throw new AppError('meeting_kind_mismatch', 'Recommendation and evaluation votes are held in a meeting of participants holding slips (kind slips).', {
      field: 'items',
    });
  if (!shaped)
    throw new AppError('meeting_kind_mismatch', 'A meeting of participants holds recommendation (民主推荐) or evaluation (民主测评) votes only.', {
      field: 'items',
    });
  return createShapedVote(ctx, meeting.id, parseBody(shapedVoteSchema, body));
}

/** POST /v1/committees/{id}/meetings with kind slips, issue 15 hook (the caller checked the secretary). */
export async function createSlipsMeetingFromRequest(ctx: AppContext, committeeId: string, body: unknown): Promise<Meeting | null> {
  if (typeof body !== 'object' || body === null || (body as { kind?: unknown }).kind === undefined || (body as { kind?: unknown }).kind === 'members')
    return null;
  const input = parseBody(slipsMeetingSchema, body);
  return createSlipsMeeting(ctx, committeeId, input.title, input.entitled);
}

export function participantRouter(ctx: AppContext): Router {
  const r = Router();

  r.post('/v1/participant/redeem', async (req, res) => {
    // The code is the credential here: a member's token alongside it means a confused client.
    if (req.get('authorization') !== undefined) throw new AppError('credentials_not_allowed', 'Redeem a participation code without an Authorization header.');
    const { code, nonce } = parseBody(redeemSchema, req.body);
    res.json(await redeemSlip(ctx, code, nonce));
  });

  r.get('/v1/participant/votes', async (req, res) => {
    res.json(await participantVotes(ctx, await verifyParticipant(ctx, req.get('authorization'))));
  });

  r.post('/v1/participant/votes/:voteId/tokens', async (req, res) => {
    const participant = await verifyParticipant(ctx, req.get('authorization'));
    const { blindedPoint } = parseBody(tokenSchema, req.body);
    res.json(await issueSlipToken(ctx, participant, parseId(req.params.voteId, 'vote'), blindedPoint));
  });

  return r;
}

export function slipsRouter(ctx: AppContext): Router {
  const r = Router();

  async function meetingOf(req: Parameters<Parameters<typeof r.get>[1]>[0]) {
    const p = requirePrincipal(req);
    const meeting = await findMeeting(ctx.db, parseId(req.params.meetingId, 'meeting'));
    assertCanRead(p, meeting.committeeId, 'meeting');
    return { p, meeting };
  }

  r.post('/v1/meetings/:meetingId/slips', async (req, res) => {
    const { p, meeting } = await meetingOf(req);
    assertSecretary(p, meeting.committeeId, 'meeting');
    const { count } = parseBody(printSchema, req.body);
    res.status(201).json(await printSlips(ctx, meeting.id, count, p.personId));
  });

  r.get('/v1/meetings/:meetingId/slips', async (req, res) => {
    const { meeting } = await meetingOf(req);
    res.json(await slipsSummary(ctx.db, meeting.id));
  });

  r.post('/v1/meetings/:meetingId/slips/void', async (req, res) => {
    const { p, meeting } = await meetingOf(req);
    assertSecretary(p, meeting.committeeId, 'meeting');
    res.json(await voidSlips(ctx, meeting.id, parseBody(voidSchema, req.body), p.personId));
  });

  return r;
}
