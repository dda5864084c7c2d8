// The committees' access checks (committees/access.ts) fed from a request: the principal, the
// path's committee id, a share link's capability.
import type { Request } from 'express';
import type { Queryable } from '../db/database.ts';
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

/** A reader of the record: the signed-in principal, and the capability of the `share` query parameter or the Piaojue-Share header. */
export function recordReader(req: Request): RecordReader {
  const header = req.get('piaojue-share');
  const query = typeof req.query.share === 'string' ? req.query.share : undefined;
  return { principal: req.principal, share: header ?? query };
}
