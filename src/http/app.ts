// The express application: body limits, content-type checks, authentication, the routers of
// each area, then the 404 and the problem+json error handler.
import express, { type RequestHandler } from 'express';
import { AppError } from '../errors.ts';
import type { AppContext } from './context.ts';
import { authenticate } from './auth.ts';
import { errorHandler, notFoundHandler } from './problem.ts';
import { migrationsCurrent } from '../db/migrate.ts';
import { peopleRouter } from '../people/routes.ts';
import { committeesRouter } from '../committees/routes.ts';
import { meetingsRouter } from '../meetings/routes.ts';
import { collationRouter } from '../collation/routes.ts';
import { castRouter, votesRouter } from '../votes/routes.ts';
import { webRouter } from '../web/serve.ts';

export const BODY_LIMIT = '1mb';

/** A body on POST/PUT/PATCH must be JSON; an empty body is allowed (actions like /open). */
const requireJson: RequestHandler = (req, _res, next) => {
  if (!['POST', 'PUT', 'PATCH'].includes(req.method)) return next();
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    return next(new AppError('unsupported_media_type', 'Send the request body as application/json.'));
  }
  next();
};

const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  res.set('X-Content-Type-Options', 'nosniff');
  next();
};

export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(noStore);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    let database = false;
    let migrations = false;
    try {
      await ctx.db.query('SELECT 1');
      database = true;
      migrations = await migrationsCurrent(ctx.db);
    } catch {
      // reported below
    }
    res.status(database && migrations ? 200 : 503).json({ status: database && migrations ? 'ready' : 'not_ready', database, migrations });
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
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'], strict: true }));
  // Casting is anonymous: its route sits before authentication and refuses any credential.
  app.use(castRouter(ctx));
  app.use(authenticate(ctx));

  app.use(peopleRouter(ctx));
  app.use(committeesRouter(ctx));
  app.use(meetingsRouter(ctx));
  app.use(collationRouter());
  app.use(votesRouter(ctx));
  app.use(webRouter());

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}
