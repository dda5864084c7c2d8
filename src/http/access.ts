// The committees' access checks (committees/access.ts) fed from a request: the principal, the
// path's committee id, a share link's capability, a participant's credential.
import type { Request } from 'express';
import type { Queryable } from '../db/database.ts';
import type { AppContext } from '../context.ts';
import { verifyParticipant } from '../participants/service.ts';
import type { Principal } from '../principal.ts';
import { assertVisibleCommittee, type RecordReader } from '../committees/access.ts';
import { requirePrincipal } from './auth.ts';
import { parseId } from './validate.ts';

/** The committee named in the path, if the caller may see it (404 otherwise). */
export async function visibleCommittee(q: Queryable, req: Request): Promise<{ p: Principal; committeeId: string }> {
  const p = requirePrincipal(req);
  const committeeId = parseId(req.params.committeeId, 'committee');
  await assertVisibleCommittee(q, p, committeeId);
  return { p, committeeId };
}

/**
 * A reader of the record: the signed-in principal, the capability of the `share` query parameter
 * or the Piaojue-Share header, and the participant credential of the Piaojue-Participant header
 * (checked here: an invalid or expired one is token_invalid, 401).
 */
export async function recordReader(ctx: AppContext, req: Request): Promise<RecordReader> {
  const header = req.get('piaojue-share');
  const query = typeof req.query.share === 'string' ? req.query.share : undefined;
  const credential = req.get('piaojue-participant');
  const participant = credential === undefined ? undefined : await verifyParticipant(ctx, `Bearer ${credential}`);
  return { principal: req.principal, share: header ?? query, ...(participant ? { participant } : {}) };
}
