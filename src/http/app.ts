// The express application: body limits, content-type checks, authentication, the routers of
// each area, then the 404 and the problem+json error handler.
import express, { type RequestHandler } from 'express';
import { AppError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { authenticate } from './auth.ts';
import { errorHandler, notFoundHandler } from './problem.ts';
import { refuseForbiddenCharacters } from './text.ts';
import { checkReadiness } from '../db/readiness.ts';
import { devicesRouter } from './routes/devices.ts';
import { committeesRouter } from './routes/committees.ts';
import { meetingsRouter } from './routes/meetings.ts';
import { collationRouter } from './routes/collation.ts';
import { castRouter, votesRouter } from './routes/votes.ts';
import { loadWebClient, webRouter, type WebClient } from '../web/serve.ts';
import { jsonBody } from './body-limits.ts';
import { clientRateLimits } from './client-limits.ts';
import { participantRouter, slipsRouter } from './routes/participants.ts';
import { compositesRouter } from './routes/composites.ts';

/** A body on POST/PUT/PATCH must be JSON; an empty body is allowed (actions like /open). */
const requireJson: RequestHandler = (req, _res, next) => {
  if (!['POST', 'PUT', 'PATCH'].includes(req.method)) return next();
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    return next(new AppError('unsupported_media_type', 'Send the request body as application/json.'));
  }
  next();
};

/**
 * Work for a client that has gone is dropped: a request that waited (for a database
 * connection, say) until its client gave up is not run, so a stall does not leave a backlog
 * of work nobody will read. Checked where it costs nothing: after the body is read and after
 * authentication, the two steps that wait.
 */
const dropIfClientGone: RequestHandler = (req, _res, next) => {
  if (req.socket.destroyed) return;
  next();
};

const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  res.set('X-Content-Type-Options', 'nosniff');
  next();
};

export function createApp(ctx: AppContext, web: WebClient = loadWebClient()): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // The client's address (req.ip): the socket's, or with PIAOJUE_TRUST_PROXY the one
  // X-Forwarded-For gives, read only through the proxies trusted (Express's `trust proxy`).
  app.set('trust proxy', ctx.config.clients.trustProxy);
  app.use(noStore);
  // Per-client rate limits on the cast and public routes, before any body is read.
  for (const limit of clientRateLimits(ctx.config.clients)) app.use(limit);
  if (ctx.config.tls) {
    // Served over HTTPS: browsers that have reached it so keep to HTTPS for a year (never
    // sent over plain HTTP, where it would mean nothing). Behind a TLS-terminating proxy, the
    // proxy sets it.
    app.use((_req, res, next) => {
      res.set('Strict-Transport-Security', 'max-age=31536000');
      next();
    });
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness has a deadline of its own (db/readiness.ts).
  app.get('/readyz', async (_req, res) => {
    const state = await checkReadiness(ctx.db, ctx.config.dataDir, ctx.config.readyTimeoutMs);
    const ready = state.database && state.migrations && state.storage !== false;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', ...state });
  });
  // Public: the address enrolment links and QR codes carry (null: the one the browser used).
  app.get('/v1/site', (_req, res) => {
    res.json({ publicUrl: ctx.config.publicUrl ?? null });
  });
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.json(ctx.keys.jwks);
  });

  app.use(requireJson);
  // Each route's own body limit, and a nesting-depth limit, before JSON.parse (body-limits.ts).
  app.use(jsonBody());
  // Casting is anonymous: its route sits before authentication and refuses any credential.
  app.use(refuseForbiddenCharacters);
  app.use(dropIfClientGone);
  app.use(castRouter(ctx));
  // Issue 15: participants' phones carry a participant credential, not an access token.
  app.use(participantRouter(ctx));
  app.use(authenticate(ctx));
  app.use(dropIfClientGone);

  app.use(devicesRouter(ctx));
  app.use(committeesRouter(ctx));
  app.use(meetingsRouter(ctx));
  app.use(slipsRouter(ctx)); // issue 15
  app.use(compositesRouter(ctx)); // issue 15
  app.use(collationRouter());
  app.use(votesRouter(ctx));
  app.use(webRouter(web));

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}
