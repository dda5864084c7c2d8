// The browser client, served by the service itself (no CDN: the meeting room may be offline).
// The client is TypeScript under src/web; esbuild bundles it in memory the first time a page is
// asked for, and every later request is served from that one build. `npm install && npm start`
// is therefore all a machine needs: there is no build step to forget and nothing on disk to go
// stale. The API routers come first in the app; this router only answers GET/HEAD for the page
// and its hashed assets, never a path under /v1, /.well-known, /healthz or /readyz.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type RequestHandler, type Response } from 'express';

const WEB_DIR = dirname(fileURLToPath(import.meta.url));

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export interface WebClient {
  /** The page, with the hashed asset names filled in. */
  index: Asset;
  /** By URL path: /assets/<name>-<hash>.<ext>. */
  assets: Map<string, Asset>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

// The page loads only its own scripts, styles and workers and talks only to this service.
// data: images are the QR code's fallback; nothing is framed.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const RESERVED = /^\/(v1|\.well-known)(\/|$)|^\/(healthz|readyz)$/;

function asset(body: Buffer | string, type: string): Asset {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { body: buf, type, etag: `"${createHash('sha256').update(buf).digest('base64url').slice(0, 27)}"` };
}

/** Bundles the client (app and verifier worker) in memory. */
export async function buildWebClient(): Promise<WebClient> {
  // Loaded on first use: the API tests build apps without ever asking for a page.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { app: join(WEB_DIR, 'main.ts'), 'verify-worker': join(WEB_DIR, 'verify-worker.ts') },
    bundle: true,
    write: false,
    outdir: '/assets',
    entryNames: '[name]-[hash]',
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'safari15', 'firefox100'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    charset: 'utf8',
  });
  const assets = new Map<string, Asset>();
  const named: Record<string, string> = {};
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    const ext = name.slice(name.lastIndexOf('.'));
    const type = TYPES[ext];
    if (!type) continue;
    const urlPath = `/assets/${name}`;
    assets.set(urlPath, asset(Buffer.from(file.contents), type));
    named[`${name.slice(0, name.lastIndexOf('-'))}${ext}`] = urlPath;
  }
  const template = await readFile(join(WEB_DIR, 'index.html'), 'utf8');
  const html = template.replace(/\{\{([a-z-]+\.(?:js|css))\}\}/g, (_m, key: string) => {
    const path = named[key];
    if (!path) throw new Error(`web client: no bundle output for ${key}`);
    return path;
  });
  return { index: asset(html, TYPES['.html']!), assets };
}

let client: Promise<WebClient> | undefined;

/** The one build this process serves; a failed build is retried on the next request. */
function webClient(): Promise<WebClient> {
  client ??= buildWebClient().catch((e: unknown) => {
    client = undefined;
    throw e;
  });
  return client;
}

function send(res: Response, a: Asset, headOnly: boolean, immutable: boolean): void {
  res.status(200);
  res.set('Content-Type', a.type);
  res.set('ETag', a.etag);
  // Asset names carry their content hash, so they never change; the page itself is re-read on
  // every load so a restarted service's new build is picked up.
  res.set('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Referrer-Policy', 'no-referrer');
  if (a.type.startsWith('text/html')) {
    res.set('Content-Security-Policy', CSP);
    res.set('X-Frame-Options', 'DENY');
  }
  if (headOnly) res.end();
  else res.end(a.body);
}

/** Serves the web client at / (the API routes, mounted before this router, are unaffected). */
export function webRouter(): Router {
  const router = Router();
  // router.use, not router.get: the OpenAPI route check compares express routes with the spec,
  // and these are pages, not API operations.
  const serve: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path;
    if (RESERVED.test(path)) return next();
    const isPage = path === '/' || path === '/index.html';
    if (!isPage && !path.startsWith('/assets/')) return next();
    webClient().then(
      (c) => {
        const a = isPage ? c.index : c.assets.get(path);
        if (!a) return next();
        if (req.get('if-none-match') === a.etag) {
          res.status(304).set('ETag', a.etag).end();
          return;
        }
        send(res, a, req.method === 'HEAD', !isPage);
      },
      (e: unknown) => next(e),
    );
  };
  router.use(serve);
  return router;
}
