// The build: src/ compiled to plain JavaScript in dist/ (one .js per .ts, same layout, so a path
// taken relative to a module, like the migrations folder's, is the same from either), and the
// browser client bundled once into dist/web with a manifest (hashed names, sizes, SHA-384
// integrity) that the service serves from and checks at start-up. `npm install` and `npm ci`
// run it (the `prepare` script), so the README's `npm install && npm start` needs no other step.
//
//   node scripts/build.mjs             build
//   node scripts/build.mjs --if-stale  build only if src/ (or the lock, or this file) changed
//   node scripts/build.mjs --check     exit 1 if dist/ is missing or stale (CI, after npm ci)
//
// Plain JavaScript, so that it runs on bare Node. TypeScript and esbuild are dev dependencies and
// are loaded only when something is actually built. The compile is per file (the sources are
// written for isolatedModules and verbatimModuleSyntax, so each file compiles alone); the type
// check is `npx tsc --noEmit`, a separate step. dist/build-stamp.json, written last, holds a hash
// of the inputs: the test suites rebuild when it differs (vitest globalSetup), so tests never
// run a stale dist/ by accident.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');
const SRC = join(ROOT, 'src');
const STAMP = 'build-stamp.json';
const LOCK = join(ROOT, '.dist-build.lock');

/** Node entry points: the CLI and the two worker modules (loaded by path, not imported). */
const NODE_ENTRIES = ['cli/main.ts', 'votes/crypto-tasks.ts', 'cli/verify-workers.ts'];
/** Browser entry points, bundled into dist/web/assets. */
const WEB_ENTRIES = { app: 'web/main.ts', 'verify-worker': 'web/verify-worker.ts', 'verify-pool-worker': 'web/verify-pool-worker.ts' };
const WEB_TEMPLATE = 'web/index.html';
const TYPES = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' };

function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
}

/** A hash of everything the build reads: src/, the lock (bundled libraries), tsconfig, this file. */
export function inputsHash() {
  const h = createHash('sha256');
  const files = [...filesUnder(SRC), join(ROOT, 'package-lock.json'), join(ROOT, 'tsconfig.json'), fileURLToPath(import.meta.url)];
  for (const f of files) {
    h.update(relative(ROOT, f).split(sep).join('/'));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

/** Why dist/ cannot be used as it is, or undefined when it is fresh. */
export function staleness() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(DIST, STAMP), 'utf8'));
  } catch {
    return 'dist/ is not built';
  }
  return stamp.inputs === inputsHash() ? undefined : 'dist/ is older than the sources';
}

const sri = (buf) => `sha384-${createHash('sha384').update(buf).digest('base64')}`;

/** The .ts files the Node entry points reach through relative imports (static and dynamic). */
function nodeModules(ts) {
  const seen = new Set();
  const queue = NODE_ENTRIES.map((e) => join(SRC, e));
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      if (!fileName.endsWith('.ts')) throw new Error(`${relative(ROOT, file)}: relative import ${fileName} does not end in .ts`);
      queue.push(join(dirname(file), fileName));
    }
  }
  return [...seen].sort();
}

async function compileNode(out) {
  const { default: ts } = await import('typescript');
  const { config, error } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  const compilerOptions = {
    ...options,
    noEmit: false,
    allowImportingTsExtensions: false,
    rewriteRelativeImportExtensions: true,
    sourceMap: false,
    declaration: false,
  };
  const files = nodeModules(ts);
  for (const file of files) {
    const result = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file, reportDiagnostics: true });
    if (result.diagnostics?.length)
      throw new Error(ts.formatDiagnostics(result.diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' }));
    const target = join(out, relative(SRC, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, result.outputText);
  }
  return files.length;
}

async function bundleWeb(out) {
  const { build } = await import('esbuild');
  const webOut = join(out, 'web');
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(WEB_ENTRIES).map(([name, file]) => [name, join(SRC, file)])),
    bundle: true,
    write: false,
    outdir: join(webOut, 'assets'),
    entryNames: '[name]-[hash]',
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'safari15', 'firefox100'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    charset: 'utf8',
  });
  const assets = [];
  const byEntry = {};
  for (const file of result.outputFiles) {
    const name = file.path.slice(file.path.lastIndexOf(sep) + 1);
    const ext = name.slice(name.lastIndexOf('.'));
    const type = TYPES[ext];
    if (!type) continue;
    const body = Buffer.from(file.contents);
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, body);
    const asset = { path: `/assets/${name}`, file: `assets/${name}`, type, bytes: body.length, integrity: sri(body) };
    assets.push(asset);
    byEntry[`${name.slice(0, name.lastIndexOf('-'))}${ext}`] = asset;
  }
  // The page names its hashed assets; the stylesheet and the app script carry their integrity
  // (the verifier worker's and its pool worker's URLs are read from meta tags, where no integrity
  // attribute applies).
  const template = readFileSync(join(SRC, WEB_TEMPLATE), 'utf8');
  const html = template.replace(/(\s)(src|href|content)="\{\{([a-z-]+\.(?:js|css))\}\}"/g, (_m, space, attr, key) => {
    const a = byEntry[key];
    if (!a) throw new Error(`web client: no bundle output for ${key}`);
    return attr === 'content' ? `${space}${attr}="${a.path}"` : `${space}${attr}="${a.path}" integrity="${a.integrity}"`;
  });
  if (/\{\{/.test(html)) throw new Error(`${WEB_TEMPLATE}: a placeholder was left unfilled`);
  const page = Buffer.from(html, 'utf8');
  writeFileSync(join(webOut, 'index.html'), page);
  const manifest = {
    page: { path: '/', file: 'index.html', type: TYPES['.html'], bytes: page.length, integrity: sri(page) },
    assets: assets.sort((a, b) => a.path.localeCompare(b.path)),
  };
  writeFileSync(join(webOut, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return assets.length;
}

function lock() {
  for (let i = 0; ; i++) {
    try {
      mkdirSync(LOCK);
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A builder killed half-way leaves its lock; none takes five minutes, even on a busy machine.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      if (i > 6000) throw new Error(`another build has held ${relative(ROOT, LOCK)} for ten minutes`, { cause: e });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

/**
 * Builds dist/ (in a fresh folder, swapped in when complete, so a half-written dist/ is never
 * used). With `ifStale`, does nothing when dist/ is fresh. Concurrent builders (two test runs in
 * one checkout) take turns.
 */
export async function build({ ifStale = false, log = console.log } = {}) {
  if (ifStale && !staleness()) return false;
  const unlock = lock();
  try {
    if (ifStale && !staleness()) return false;
    const started = performance.now();
    const inputs = inputsHash();
    const tmp = `${DIST}.new-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    let modules, assets;
    try {
      modules = await compileNode(tmp);
      assets = await bundleWeb(tmp);
      writeFileSync(join(tmp, STAMP), `${JSON.stringify({ inputs }, null, 2)}\n`);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    const old = `${DIST}.old-${process.pid}`;
    if (existsSync(DIST)) renameSync(DIST, old);
    renameSync(tmp, DIST);
    rmSync(old, { recursive: true, force: true });
    log(`built dist/: ${modules} modules, ${assets} web assets with a manifest (${Math.round(performance.now() - started)} ms)`);
    return true;
  } finally {
    unlock();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = process.argv[2];
  if (arg === '--check') {
    const why = staleness();
    if (why) {
      console.error(`${why}: run \`npm run build\``);
      process.exit(1);
    }
  } else if (arg === undefined || arg === '--if-stale') {
    await build({ ifStale: arg === '--if-stale' });
  } else {
    console.error('usage: node scripts/build.mjs [--if-stale | --check]');
    process.exit(2);
  }
}
