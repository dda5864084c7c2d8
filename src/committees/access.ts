// Who may see and act on a committee. Outsiders get 404 (a committee they are not part of
// does not exist for them); insiders without the role get 403.
import type { Request } from 'express';
import { AppError } from '../errors.ts';
import { requirePrincipal, type Principal } from '../http/auth.ts';
import type { Queryable } from '../db/database.ts';
import { parseId } from '../http/validate.ts';
import { assertCommitteeExists } from './service.ts';

export function canRead(p: Principal, committeeId: string): boolean {
  return p.isAdmin || p.secretaryOf.has(committeeId) || p.memberOf.has(committeeId);
}

export function assertCanRead(p: Principal, committeeId: string, what = 'committee'): void {
  if (!canRead(p, committeeId)) throw new AppError('not_found', `No such ${what}.`);
}

/**
 * The committee named in the path, if the caller may see it. Insiders' membership rows prove
 * it exists; only an administrator (who may read any id) needs the lookup.
 */
export async function visibleCommittee(q: Queryable, req: Request): Promise<{ p: Principal; committeeId: string }> {
  const p = requirePrincipal(req);
  const committeeId = parseId(req.params.committeeId, 'committee');
  assertCanRead(p, committeeId);
  if (!p.secretaryOf.has(committeeId) && !p.memberOf.has(committeeId)) await assertCommitteeExists(q, committeeId);
  return { p, committeeId };
}

export function assertSecretary(p: Principal, committeeId: string, what = 'committee'): void {
  assertCanRead(p, committeeId, what);
  if (!p.secretaryOf.has(committeeId)) throw new AppError('forbidden', "Only this committee's secretary may do this.");
}
