// Who may see and act on a committee. Outsiders get 404 (a committee they are not part of
// does not exist for them); insiders without the role get 403.
import { AppError } from '../errors.ts';
import type { Principal } from '../http/auth.ts';

export function canRead(p: Principal, committeeId: string): boolean {
  return p.isAdmin || p.secretaryOf.has(committeeId) || p.memberOf.has(committeeId);
}

export function assertCanRead(p: Principal, committeeId: string, what = 'committee'): void {
  if (!canRead(p, committeeId)) throw new AppError('not_found', `No such ${what}.`);
}

export function assertSecretary(p: Principal, committeeId: string, what = 'committee'): void {
  assertCanRead(p, committeeId, what);
  if (!p.secretaryOf.has(committeeId)) throw new AppError('forbidden', "Only this committee's secretary may do this.");
}
