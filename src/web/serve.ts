// The browser client, served by the service itself (no CDN: the meeting room may be offline).
// The client is TypeScript under src/web; `npm run build` (which `npm install` runs) bundles it
// once into dist/web with a manifest: hashed asset names, sizes and SHA-384 integrity. The
// service reads the manifest and every file it lists at start-up, checks them against it, and
// refuses to start when the bundle is missing or damaged (loadWebClient), so a broken build shows
// at start-up, not when a browser first asks for a page. The API routers come first in the app;
// this router only answers GET/HEAD for the page and its hashed assets, never a path under /v1,
// /.well-known, /healthz or /readyz.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type RequestHandler, type Response } from 'express';

/** Where `npm run build` writes the bundle: dist/web, seen from src/web and from dist/web alike. */
export const WEB_BUNDLE_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export interface WebClient {
  /** The page, with the hashed asset names and their integrity filled in. */
  index: Asset;
  /** By URL path: /assets/<name>-<hash>.<ext>. */
  assets: Map<string, Asset>;
}

/** One file of dist/web/manifest.json (written by scripts/build.mjs). */
interface ManifestEntry {
  path: string;
  file: string;
  type: string;
  bytes: number;
  integrity: string;
}

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

/**
 * Reads the bundle `npm run build` wrote: the manifest, then each file it lists, checked against
 * its size and SHA-384. Throws, saying what to run, when anything is missing or differs (the
 * service then refuses to start: server.ts).
 */
export function loadWebClient(dir: string = WEB_BUNDLE_DIR): WebClient {
  const rebuild = 'Run `npm run build` (`npm install` runs it) and start the service again.';
  let manifest: { page: ManifestEntry; assets: ManifestEntry[] };
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as typeof manifest;
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ENOENT';
    throw new Error(
      `The web client is ${missing ? 'not built' : 'damaged'}: ${join(dir, 'manifest.json')} ${missing ? 'is missing' : 'cannot be read'}. ${rebuild}`,
      { cause: e },
    );
  }
  const load = (entry: ManifestEntry): Asset => {
    let body: Buffer;
    try {
      body = readFileSync(join(dir, entry.file));
    } catch {
      throw new Error(`The web client is incomplete: ${join(dir, entry.file)}, listed in its manifest, is missing. ${rebuild}`);
    }
    const digest = createHash('sha384').update(body).digest();
    if (body.length !== entry.bytes || `sha384-${digest.toString('base64')}` !== entry.integrity) {
      throw new Error(`The web client is damaged: ${join(dir, entry.file)} differs from its manifest. ${rebuild}`);
    }
    return { body, type: entry.type, etag: `"${digest.toString('base64url').slice(0, 27)}"` };
  };
  if (!manifest?.page || !Array.isArray(manifest.assets))
    throw new Error(`The web client's manifest ${join(dir, 'manifest.json')} is not one this version wrote. ${rebuild}`);
  return { index: load(manifest.page), assets: new Map(manifest.assets.map((a) => [a.path, load(a)])) };
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
export function webRouter(client: WebClient): Router {
  const router = Router();
  // router.use, not router.get: the OpenAPI route check compares express routes with the spec,
  // and these are pages, not API operations.
  const serve: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path;
    if (RESERVED.test(path)) return next();
    const isPage = path === '/' || path === '/index.html';
    if (!isPage && !path.startsWith('/assets/')) return next();
    const a = isPage ? client.index : client.assets.get(path);
    if (!a) return next();
    if (req.get('if-none-match') === a.etag) {
      res.status(304).set('ETag', a.etag).end();
      return;
    }
    send(res, a, req.method === 'HEAD', !isPage);
  };
  router.use(serve);
  return router;
}
