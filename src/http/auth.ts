// Authentication at the HTTP edge: the bearer token of a request becomes req.principal (the
// token's checks are in devices/access-tokens.ts). Everything past the route handler takes a
// Principal, never a request.
import type { RequestHandler, Request } from 'express';
import { AppError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import type { Principal } from '../principal.ts';
import { principalOfToken } from '../devices/access-tokens.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

/** Attaches req.principal when an Authorization header is present; refuses bad tokens. */
export function authenticate(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (header === undefined) return next();
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
    if (!match) throw new AppError('token_invalid', 'The Authorization header must be "Bearer <token>".');
    req.principal = await principalOfToken(ctx, match[1]!);
    await ctx.checkpoint?.('request.authenticated', undefined, req);
    next();
  };
}

export function requirePrincipal(req: Request): Principal {
  if (!req.principal) throw new AppError('unauthenticated', 'This route needs a Bearer access token.');
  return req.principal;
}
