// The browser client as the service serves it: the page and its hashed assets from the bundle
// `npm run build` wrote to dist/web (vitest's globalSetup rebuilds it when stale), with the
// integrity, cache and security headers of the manifest; and no start without that bundle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWebClient, WEB_BUNDLE_DIR } from '../../src/web/serve.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; worker-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const sri = (body: ArrayBuffer) => `sha384-${createHash('sha384').update(Buffer.from(body)).digest('base64')}`;

describe('the web client', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.close();
  });

  it('serves the page with its content security policy, no framing and no caching', async () => {
    const page = await fetch(`${service.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await (await fetch(`${service.url}/index.html`)).text()).toBe(await page.text());
  });

  it('names hashed assets whose bytes match the integrity the page gives them, cached for a year', async () => {
    const html = await (await fetch(`${service.url}/`)).text();
    const tagged = [...html.matchAll(/(?:src|href)="(\/assets\/[a-z-]+-[A-Z0-9]+\.(?:js|css))" integrity="(sha384-[A-Za-z0-9+/=]+)"/g)].map((m) => ({
      path: m[1]!,
      integrity: m[2]!,
    }));
    expect(tagged.map((t) => t.path.replace(/-[A-Z0-9]+\./, '.'))).toEqual(['/assets/app.css', '/assets/app.js']);
    const worker = /name="piaojue-verify-worker" content="(\/assets\/verify-worker-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    expect(worker).toBeDefined();
    for (const { path, integrity } of [...tagged, { path: worker!, integrity: undefined }]) {
      const res = await fetch(service.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(path.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-security-policy')).toBeNull();
      const body = await res.arrayBuffer();
      if (integrity) expect(sri(body)).toBe(integrity);
    }
  });

  it('answers a matching If-None-Match with 304 and HEAD without a body', async () => {
    const first = await fetch(`${service.url}/`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await fetch(`${service.url}/`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const head = await fetch(`${service.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('leaves unknown assets and the API to the 404 handler', async () => {
    const nope = await fetch(`${service.url}/assets/nope.js`);
    expect(nope.status).toBe(404);
    expect(nope.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await nope.json()).code).toBe('route_not_found');
  });
});

describe('loading the bundle', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'piaojue-web-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a folder without a manifest, saying to run npm run build', () => {
    expect(() => loadWebClient(join(dir, 'nothing'))).toThrow(/not built: .*manifest\.json is missing\. Run `npm run build`/);
  });

  it('refuses an asset whose bytes differ from the manifest', async () => {
    const copy = join(dir, 'damaged');
    await cp(WEB_BUNDLE_DIR, copy, { recursive: true });
    const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8')) as { assets: { file: string }[] };
    const file = join(copy, manifest.assets[0]!.file);
    await writeFile(file, `${await readFile(file, 'utf8')};`);
    expect(() => loadWebClient(copy)).toThrow(/damaged: .* differs from its manifest\. Run `npm run build`/);
  });

  it('refuses an asset the manifest lists but the folder lacks', async () => {
    const copy = join(dir, 'incomplete');
    await cp(WEB_BUNDLE_DIR, copy, { recursive: true });
    const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8')) as { assets: { file: string }[] };
    await rm(join(copy, manifest.assets[0]!.file));
    expect(() => loadWebClient(copy)).toThrow(/incomplete: .* is missing\. Run `npm run build`/);
  });
});
