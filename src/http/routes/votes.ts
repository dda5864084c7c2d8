// Votes: defining, opening, token issuance, the anonymous cast, the close, share links, and the
// record's public reads (votes/, ledger/). Each route parses its input, checks the caller's
// roles and calls the votes area.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { AppContext } from '../../context.ts';
import { requirePrincipal } from '../auth.ts';
import { recordReader } from '../access.ts';
import { parseBody, parseId, parseInput } from '../validate.ts';
import { assertCanRead, assertSecretary, assertSecretaryOrAdmin, observesOnly, recordAccess } from '../../committees/access.ts';
import { createShare, listShares, revokeShare } from '../../votes/shares.ts';
import { findMeeting } from '../../meetings/service.ts';
import { chainHead, readEntries } from '../../chain/store.ts';
import { CAST_RETRY_AFTER } from '../../votes/admission.ts';
import { MAX_INSPECTORS } from '../../protocol/chain.ts';
import { isOneLinePost } from '../../protocol/ballot.ts';
import { CANDIDATE_POST_INPUT_MAX, MAX_CANDIDATES_PER_ITEM, MAX_ITEMS, MAX_SEATS } from '../../votes/limits.ts';
import { closeVote, closingView, confirmClose, countersignClose, designateInspectors, meetingInspectors, sealClose } from '../../votes/close.ts';
import { DECISION_REASON_MAX } from '../../protocol/close.ts';
import { createShapedVoteFromRequest } from './participants.ts';
import {
  castBallot,
  closedTally,
  createRunoff,
  createVote,
  findVote,
  issuedMembers,
  issueToken,
  listVotes,
  openVote,
  viewVote,
  voteRecord,
  voteStatus,
} from '../../votes/service.ts';

const name = z.string().trim().min(1).max(64);
/**
 * 现任职务 / 拟任职务: one line, by the rule the record's parser applies (isOneLinePost: no tab,
 * line break or other C0/C1 control), so that every definition the service writes verifies.
 */
const candidatePost = z
  .string()
  .trim()
  .min(1)
  .max(CANDIDATE_POST_INPUT_MAX)
  .refine(isOneLinePost, { message: 'a post must be one line without control characters' });
/** A candidate: a name alone (as before), or the name with 现任职务 and 拟任职务 (拟任 defaults to the item's post). */
const candidate = z.union([name, z.strictObject({ name, currentPost: candidatePost.optional(), proposedPost: candidatePost.optional() })]);
const candidateName = (c: z.output<typeof candidate>) => (typeof c === 'string' ? c : c.name);
const createSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  items: z
    .array(
      z
        .strictObject({
          post: z.string().trim().min(1).max(200),
          seats: z.number().int().min(1).max(MAX_SEATS),
          candidates: z.array(candidate).min(1).max(MAX_CANDIDATES_PER_ITEM),
        })
        .refine((i) => i.candidates.length >= i.seats, { message: 'an item needs at least as many candidates as seats', path: ['candidates'] })
        .refine((i) => new Set(i.candidates.map(candidateName)).size === i.candidates.length, { message: 'a candidate is listed twice', path: ['candidates'] }),
    )
    .min(1)
    .max(MAX_ITEMS),
});
const tokenSchema = z.strictObject({
  blindedPoint: z.string().min(1).max(200),
  deviceSignature: z.string().min(1).max(200),
});
const noBody = z.strictObject({});
const deviceSignatureSchema = z.strictObject({ deviceSignature: z.string().min(1).max(200) });
const sealSchema = z.strictObject({ unconfirmedReason: z.string().trim().min(1).max(DECISION_REASON_MAX).optional() });
const inspectorsSchema = z.strictObject({ inspectors: z.array(z.uuid()).min(1).max(MAX_INSPECTORS) });
/** GET /v1/votes/{id}/record: through the close (the default) or, once open, through the vote.created entry. */
const recordQuerySchema = z.strictObject({ through: z.enum(['closed', 'created']).optional(), share: z.string().max(100).optional() });
const rangeSchema = z
  .strictObject({
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    /** The last seq the reader holds: only later entries are sent. */
    after: z.coerce.number().int().min(-1).optional(),
    /** A share link's capability (access.ts reads it). */
    share: z.string().max(100).optional(),
  })
  .refine((r) => r.after === undefined || r.from === undefined, { message: 'give after or from, not both', path: ['after'] });

/** If-None-Match: a list of entity tags, or *. */
/** An answer already serialised as JSON (the close's views splice the stored prepared close in). */
function sendJsonText(res: Response, text: string): void {
  res.type('application/json').send(text);
}

function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/**
 * The cast route, mounted before authentication: a ballot must arrive without any credential,
 * so one that carries an Authorization header or a cookie is refused before the ballot is
 * examined or stored. The connection is closed after the answer, so the next request a device
 * makes (signed in) cannot reuse the connection that carried its ballot.
 */
export function castRouter(ctx: AppContext): Router {
  const r = Router();
  r.post('/v1/ballots', async (req, res) => {
    res.set('Connection', 'close');
    if (req.get('authorization') !== undefined || req.get('cookie') !== undefined) {
      throw new AppError('credentials_not_allowed', 'Send the ballot without Authorization or Cookie headers: casting is anonymous.');
    }
    let out: Awaited<ReturnType<typeof castBallot>>;
    try {
      out = await castBallot(ctx, req.body);
    } catch (e) {
      // Refused for lack of room to check it: the client should send it again soon.
      if (e instanceof AppError && e.code === 'cast_queue_full') res.set('Retry-After', String(CAST_RETRY_AFTER));
      throw e;
    }
    res.status(out.replayed ? 200 : 201).json({ ballotHash: out.ballotHash, receipt: out.receipt });
  });
  return r;
}

export function votesRouter(ctx: AppContext): Router {
  const r = Router();

  async function visibleVote(req: Request) {
    const p = requirePrincipal(req);
    const vote = await findVote(ctx.db, parseId(req.params.voteId, 'vote'));
    assertCanRead(p, vote.committee_id, 'vote');
    // A draft's definition is for the committee's own people: an observer does not see it.
    if (vote.state === 'draft' && observesOnly(p, vote.committee_id)) throw new AppError('not_found', 'No such vote.');
    return { p, vote };
  }

  r.post('/v1/meetings/:meetingId/votes', async (req, res) => {
    const p = requirePrincipal(req);
    const meeting = await findMeeting(ctx.db, parseId(req.params.meetingId, 'meeting'));
    assertSecretary(p, meeting.committeeId, 'meeting');
    // Issue 15 hook: 民主推荐 / 民主测评 votes of a meeting of participants.
    const shaped = await createShapedVoteFromRequest(ctx, meeting, req.body);
    if (shaped) return void res.status(201).json(shaped);
    res.status(201).json(await createVote(ctx, meeting.id, parseBody(createSchema, req.body), { by: p.personId }));
  });

  r.get('/v1/meetings/:meetingId/votes', async (req, res) => {
    const p = requirePrincipal(req);
    const meeting = await findMeeting(ctx.db, parseId(req.params.meetingId, 'meeting'));
    assertCanRead(p, meeting.committeeId, 'meeting');
    const votes = await listVotes(ctx.db, meeting.id);
    res.json({ votes: observesOnly(p, meeting.committeeId) ? votes.filter((v) => v.state !== 'draft') : votes });
  });

  r.get('/v1/votes/:voteId', async (req, res) => {
    const { vote } = await visibleVote(req);
    res.json(await viewVote(ctx.db, vote));
  });

  r.post('/v1/votes/:voteId/open', async (req, res) => {
    const { p, vote } = await visibleVote(req);
    assertSecretary(p, vote.committee_id, 'vote');
    parseBody(noBody, req.body);
    res.json(await openVote(ctx, vote.id, p.personId));
  });

  // The close (close.ts): prepare, members confirm, the secretary seals, inspectors countersign.
  r.post('/v1/votes/:voteId/close', async (req, res) => {
    const { p, vote } = await visibleVote(req);
    assertSecretary(p, vote.committee_id, 'vote');
    parseBody(noBody, req.body);
    res.json(await closeVote(ctx, vote.id, p.personId));
  });

  r.get('/v1/votes/:voteId/closing', async (req, res) => {
    const { vote } = await visibleVote(req);
    sendJsonText(res, await closingView(ctx.db, vote.id));
  });

  r.post('/v1/votes/:voteId/confirmations', async (req, res) => {
    const { p, vote } = await visibleVote(req);
    res.json(await confirmClose(ctx, p, vote.id, parseBody(deviceSignatureSchema, req.body).deviceSignature));
  });

  r.post('/v1/votes/:voteId/seal', async (req, res) => {
    const { p, vote } = await visibleVote(req);
    assertSecretary(p, vote.committee_id, 'vote');
    sendJsonText(res, await sealClose(ctx, vote.id, p.personId, parseBody(sealSchema, req.body)));
  });

  r.post('/v1/votes/:voteId/countersignatures', async (req, res) => {
    const { p, vote } = await visibleVote(req);
    sendJsonText(res, await countersignClose(ctx, p, vote.id, parseBody(deviceSignatureSchema, req.body).deviceSignature));
  });

  r.put('/v1/meetings/:meetingId/inspectors', async (req, res) => {
    const p = requirePrincipal(req);
    const meeting = await findMeeting(ctx.db, parseId(req.params.meetingId, 'meeting'));
    assertSecretary(p, meeting.committeeId, 'meeting');
    res.json(await designateInspectors(ctx, meeting.id, parseBody(inspectorsSchema, req.body).inspectors, p.personId));
  });

  r.get('/v1/meetings/:meetingId/inspectors', async (req, res) => {
    const p = requirePrincipal(req);
    const meeting = await findMeeting(ctx.db, parseId(req.params.meetingId, 'meeting'));
    assertCanRead(p, meeting.committeeId, 'meeting');
    res.json(await meetingInspectors(ctx.db, meeting.id));
  });

  r.post('/v1/votes/:voteId/runoff', async (req, res) => {
    const { p, vote } = await visibleVote(req);
    assertSecretary(p, vote.committee_id, 'vote');
    parseBody(noBody, req.body);
    res.status(201).json(await createRunoff(ctx, vote.id, p.personId));
  });

  // The secretary's view of who has a ballot token (never who has cast: nobody knows that).
  r.get('/v1/votes/:voteId/issuances', async (req, res) => {
    const { p, vote } = await visibleVote(req);
    assertSecretary(p, vote.committee_id, 'vote');
    res.json({ voteId: vote.id, memberIds: await issuedMembers(ctx.db, vote.id) });
  });

  // The hot path at sign-in: issueToken reads the vote with everything else it needs and checks
  // visibility itself, so the route does not read it first.
  r.post('/v1/votes/:voteId/tokens', async (req, res) => {
    const p = requirePrincipal(req);
    const voteId = parseId(req.params.voteId, 'vote');
    res.json(await issueToken(ctx, p, voteId, parseBody(tokenSchema, req.body)));
  });

  // The record's reads: what a reader of the committee's record may see of a vote (anyone on a
  // public committee; members, secretaries, observers and administrators, or a share link's
  // holder after the close, on a restricted one; access.ts) — while open only its state, turnout
  // and the chain head; after close the signed tally and the whole record.
  async function readableVote(req: Request) {
    const vote = await findVote(ctx.db, parseId(req.params.voteId, 'vote'));
    await recordAccess(ctx.db, await recordReader(ctx, req), vote.committee_id, vote.id);
    return vote;
  }

  r.get('/v1/votes/:voteId/status', async (req, res) => {
    const vote = await readableVote(req);
    res.json(await voteStatus(ctx.db, vote.id));
  });

  r.get('/v1/votes/:voteId/tally', async (req, res) => {
    const vote = await readableVote(req);
    res.json(await closedTally(ctx.db, vote.id));
  });

  r.get('/v1/votes/:voteId/record', async (req, res) => {
    const vote = await readableVote(req);
    const { through } = parseInput(recordQuerySchema, req.query, 'query');
    res.json(await voteRecord(ctx.db, vote.id, through));
  });

  // Share links (issue 12): a capability that opens one closed vote's record to an outsider.
  r.post('/v1/votes/:voteId/shares', async (req, res) => {
    const { p, vote } = await visibleVote(req);
    assertSecretaryOrAdmin(p, vote.committee_id, 'vote');
    parseBody(noBody, req.body);
    res.status(201).json(await createShare(ctx, vote.id, vote.committee_id, p.personId));
  });

  r.get('/v1/votes/:voteId/shares', async (req, res) => {
    const { p, vote } = await visibleVote(req);
    assertSecretaryOrAdmin(p, vote.committee_id, 'vote');
    res.json({ voteId: vote.id, shares: await listShares(ctx.db, vote.id) });
  });

  r.delete('/v1/votes/:voteId/shares/:shareId', async (req, res) => {
    const { p, vote } = await visibleVote(req);
    assertSecretaryOrAdmin(p, vote.committee_id, 'vote');
    await revokeShare(ctx, vote.id, vote.committee_id, parseId(req.params.shareId, 'share link'), p.personId);
    res.status(204).end();
  });

  /**
   * The committee's chain. Entries never change once written, so for one address the answer is
   * fixed by the head: the head's hash is the ETag, and If-None-Match with it answers 304 with no
   * body. `after=<seq>` (or `from`) reads only the entries after what the reader holds. A share
   * link's holder reads the chain through its vote's close, and sees that entry as the head.
   */
  r.get('/v1/committees/:committeeId/chain', async (req, res) => {
    const committeeId = parseId(req.params.committeeId, 'committee');
    const access = await recordAccess(ctx.db, await recordReader(ctx, req), committeeId);
    let head = await chainHead(ctx.db, committeeId);
    if (!head) throw new AppError('not_found', 'No such committee.');
    const range = parseInput(rangeSchema, req.query, 'query');
    if (access.to !== undefined && access.to < head.seq)
      head = { seq: access.to, hash: (await readEntries(ctx.db, committeeId, { from: access.to, to: access.to }))[0]!.hash };
    const etag = `"${head.hash}"`;
    res.set('ETag', etag);
    if (ifNoneMatch(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    const from = range.after !== undefined ? range.after + 1 : range.from;
    const to = Math.min(range.to ?? head.seq, head.seq);
    res.json({ committeeId, head, entries: await readEntries(ctx.db, committeeId, { ...(from !== undefined ? { from } : {}), to }) });
  });

  return r;
}
