// Admission control per client: request rate limits on the anonymous cast route, the public
// routes and refused slip redemptions (express-rate-limit, in-memory store), and a cap on
// connections per socket address.
//
// A client is its address and nothing else. The counters live in this process's memory only,
// keyed by the address (IPv6 by its /56, as one site's network), and expire with their window;
// they are never logged and never written to the database. A cast is counted, never recorded
// against the address that sent it.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { AppError } from '../errors.ts';
import type { Config } from '../config.ts';

/** The public routes a phone, a projector or an observer reads without signing in. */
const PUBLIC_ROUTES: Array<{ method: string; path: RegExp }> = [
  { method: 'GET', path: /^\/v1\/votes\/[^/]+\/(status|tally|record)$/ },
  { method: 'GET', path: /^\/v1\/committees\/[^/]+\/chain$/ },
  { method: 'GET', path: /^\/\.well-known\/jwks\.json$/ },
  { method: 'GET', path: /^\/v1\/site$/ },
  { method: 'POST', path: /^\/v1\/collation\/stroke-order$/ },
];
const isCast = (method: string, path: string) => method === 'POST' && path === '/v1/ballots';
const isRedeem = (method: string, path: string) => method === 'POST' && path === '/v1/participant/redeem';
const isPublic = (method: string, path: string) =>
  PUBLIC_ROUTES.some((r) => (r.method === method || (r.method === 'GET' && method === 'HEAD')) && r.path.test(path));

/** Which answers a limit counts: every request, all but the service's own 503s, or only the refusals (4xx). */
type Counted = 'all' | 'not_busy' | 'refused';

function limiter(limit: number, windowMs: number, applies: (method: string, path: string) => boolean, what: string, counted: Counted): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    // Retry-After (seconds to the end of the window) and the RateLimit headers on the 429.
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // No request without an address reaches here in practice (dropIfClientGone); one that does
    // is not counted rather than counted under a shared empty key.
    skip: (req) => !applies(req.method, req.path) || req.ip === undefined,
    keyGenerator: (req) => ipKeyGenerator(req.ip!, 56),
    // The cast route: a 503 (cast_queue_full, database_unavailable, shutting_down) is the
    // service's own lack of room, answered without checking the ballot; the member's outbox
    // sends the same ballot again after Retry-After, and those resends are not counted, so a
    // busy service never turns a room's retries into 429s.
    ...(counted === 'not_busy' ? { skipFailedRequests: true, requestWasSuccessful: (_req, res) => res.statusCode !== 503 } : {}),
    // Slip redemption: a phone spends its code once, so only refused codes are counted; a
    // flood of made-up codes is cut off, a room redeeming its slips through one address never is.
    ...(counted === 'refused' ? { skipSuccessfulRequests: true, requestWasSuccessful: (_req, res) => res.statusCode < 400 || res.statusCode >= 500 } : {}),
    handler: (_req, res, next) => {
      if (isCast(_req.method, _req.path)) res.set('Connection', 'close');
      next(new AppError('rate_limited', `Too many ${what} from this address; send it again after Retry-After seconds.`));
    },
    // The library's configuration warnings can quote a client's address; none is printed.
    validate: false,
  });
}

/** The rate limits, as middleware to mount before the body is read (none when both limits are 0). */
export function clientRateLimits(config: Config['clients']): RequestHandler[] {
  const out: RequestHandler[] = [];
  if (config.castPerWindow > 0) out.push(limiter(config.castPerWindow, config.windowMs, isCast, 'ballots', 'not_busy'));
  if (config.publicPerWindow > 0) out.push(limiter(config.publicPerWindow, config.windowMs, isPublic, 'requests', 'all'));
  if (config.slipFailuresPerWindow > 0) out.push(limiter(config.slipFailuresPerWindow, config.windowMs, isRedeem, 'refused slip codes', 'refused'));
  return out;
}

/**
 * Connections from one socket address beyond `max` are closed as soon as they are accepted.
 * The socket address, not X-Forwarded-For: a header arrives only after the connection is taken,
 * and behind a proxy every connection comes from the proxy. So a trusted proxy named by its
 * addresses (PIAOJUE_TRUST_PROXY=10.0.0.5,...) is exempt from this cap; with a hop count the
 * service cannot tell the proxy's address, and the cap applies to it like any client (raise
 * PIAOJUE_MAX_CONNECTIONS_PER_CLIENT, or set it to 0, behind such a proxy).
 */
export function capConnectionsPerClient(server: Server, max: number, isTrustedProxy: (address: string) => boolean): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || isTrustedProxy(address)) return;
    const n = open.get(address) ?? 0;
    if (n >= max) {
      socket.destroy();
      return;
    }
    open.set(address, n + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
