// Who is asking: the person and device an access token names, with the roles the person holds
// now, and the checks on it that name no committee (a committee's own checks are in
// committees/access.ts). Pure: the HTTP layer builds a Principal from a bearer token
// (http/auth.ts); services take one and never see a request.
import { AppError } from './errors.ts';

export interface Principal {
  personId: string;
  deviceId: string;
  isAdmin: boolean;
  secretaryOf: ReadonlySet<string>;
  /** Committees where the person is an active member. */
  memberOf: ReadonlySet<string>;
  /** Committees where the person is an observer: reads the record, never acts (issue 12). */
  observerOf: ReadonlySet<string>;
}

export function assertAdmin(p: Principal): void {
  if (!p.isAdmin) throw new AppError('forbidden', 'Only an administrator may do this.');
}

/** A person sees what is theirs (their devices); an administrator sees anyone's. Others: 404. */
export function assertSelfOrAdmin(p: Principal, personId: string): void {
  if (!p.isAdmin && p.personId !== personId) throw new AppError('not_found', 'No such person.');
}
