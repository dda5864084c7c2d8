// `piaojue verify`: the observer's independent check of a published vote record.
//
//   piaojue verify --url URL --vote ID [--share CAPABILITY] [--pin FILE] [--json]
//   piaojue verify --link 'URL/#/observer?record=/v1/votes/ID/record&cap=CAPABILITY' [--pin FILE] [--json]
//   piaojue verify --file record.json [--jwks jwks.json] [--pin FILE] [--json]
//   piaojue verify --url URL --committee ID --composite ID      (a 三元测评 composite, issue 15)
//
// With --url the record comes from URL/v1/votes/ID/record and the service's keys from
// URL/.well-known/jwks.json (a record never carries keys). A restricted committee's record is
// read with the vote's share link: --share CAPABILITY (sent in the Piaojue-Share header, never
// in the address), or --link with the observer page's address as the secretary handed it out. The file is either a record or a
// bundle { record, jwks } (the layout of tests/vectors/record.json); the keys come from --jwks,
// or — with a warning that they are self-asserted — from the bundle's `jwks`. --pin FILE remembers the chain head: a later run fails if the chain no longer
// contains it (history rewritten, forked or truncated), and a passing run stores the new head.
// Exit status: 0 every check passed, 1 a check failed, 2 usage or input/output error.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { JSONWebKeySet } from 'jose';
import type { ChainHead } from '../protocol/chain.ts';
import { isPlainObject } from '../protocol/guards.ts';
import { advancePin, readPin } from '../protocol/pinned-head.ts';
// The verifier and its worker pool load when a record is checked, not for `verify --help`.
import type { VerificationReport, VerifyAccelerator } from '../protocol/verifier.ts';
import { parseEntry } from '../protocol/chain.ts';
import { ProtocolError } from '../protocol/errors.ts';
import type { CompositeBody } from '../protocol/composite.ts';
import { findCandidate, postsText, recordDefinition } from '../web/post-text.ts';
import { bilingual, kindWords, outcomeWords } from '../web/outcome-words.ts';
import type { VoteDefinition } from '../protocol/ballot.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Records with at least this many ballots are checked on worker threads (start-up ~0.2 s). */
const WORKER_THRESHOLD = 200;

export interface VerifyCliOptions {
  url?: string;
  vote?: string;
  /** A share link's capability (pjs_…), for a restricted committee's record. */
  share?: string;
  /** The observer page's address with the record and the capability (what a share link is). */
  link?: string;
  file?: string;
  jwks?: string;
  pin?: string;
  json?: boolean;
  /** A 三元测评 composite of committee `committee` (issue 15), with --url. */
  committee?: string;
  composite?: string;
  /** Worker threads; 0 checks in this thread. Default: one per core for large records. */
  threads?: number;
}

export interface VerifyIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  fetch: typeof fetch;
  readFile(path: string): Promise<string>;
  writeFile(path: string, text: string): Promise<void>;
  randomBytes(n: number): Uint8Array;
}

const defaultIo = (): VerifyIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  fetch: (...args) => fetch(...args),
  readFile: (path) => readFile(path, 'utf8'),
  writeFile: async (path, text) => {
    // Write then rename, so an interrupted run never leaves half a pin file.
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  },
  randomBytes: (n) => new Uint8Array(nodeRandomBytes(n)),
});

/** A usage or input/output problem: exit 2. */
class UsageError extends Error {}

interface PinFile {
  committeeId: string;
  seq: number;
  hash: string;
}

function parsePin(text: string, path: string): PinFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`the pin file ${path} is not JSON`);
  }
  const head = readPin(v);
  if (!isPlainObject(v) || typeof v.committeeId !== 'string' || !head) throw new UsageError(`the pin file ${path} must hold { committeeId, seq, hash }`);
  return { committeeId: v.committeeId, ...head };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} is not JSON: ${(e as Error).message}`);
  }
}

function asJwks(value: unknown, what: string): JSONWebKeySet {
  if (!isPlainObject(value) || !Array.isArray(value.keys)) throw new UsageError(`${what} is not a JWKS ({ "keys": [...] })`);
  return value as unknown as JSONWebKeySet;
}

async function getJson(io: VerifyIo, url: string, share?: string): Promise<unknown> {
  let res: Response;
  try {
    const headers: Record<string, string> = { accept: 'application/json', ...(share !== undefined ? { 'piaojue-share': share } : {}) };
    res = await io.fetch(url, { headers, signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    throw new UsageError(`cannot fetch ${url}: ${(e as Error).message}`);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new UsageError(`${url} answered ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 300)}` : ''}`);
  return parseJson(text, url);
}

/**
 * A share link as the secretary hands it out: the service's address, then the observer page
 * with the record's path and the capability, e.g.
 * https://host/#/observer?record=%2Fv1%2Fvotes%2FID%2Frecord&cap=pjs_…
 */
export function parseShareLink(link: string): { url: string; vote: string; share?: string } {
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    throw new UsageError('--link is not an address');
  }
  const hash = u.hash.replace(/^#/, '');
  const query = new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
  const vote = /^\/v1\/votes\/([^/]+)\/record$/.exec(query.get('record') ?? '')?.[1];
  if (!/^https?:$/.test(u.protocol) || !hash.startsWith('/observer') || vote === undefined) {
    throw new UsageError("--link must be the observer page's address: URL/#/observer?record=/v1/votes/ID/record&cap=…");
  }
  const cap = query.get('cap');
  return { url: u.origin + u.pathname.replace(/\/+$/, ''), vote: decodeURIComponent(vote), ...(cap ? { share: cap } : {}) };
}

function ballotCount(record: unknown): number {
  if (!isPlainObject(record) || !Array.isArray(record.entries)) return 0;
  let n = 0;
  for (const e of record.entries) {
    if (isPlainObject(e) && e.kind === 'vote.closed' && isPlainObject(e.body) && Array.isArray(e.body.ballots)) n = Math.max(n, e.body.ballots.length);
  }
  return n;
}

/** A progress bar on a TTY, redrawn at most every 100 ms. */
function progressBar(stderr: VerifyIo['stderr']) {
  let last = 0;
  let shown = false;
  const labels = { issuances: '设备签名 device signatures', tokens: '票证签名 token signatures' } as const;
  return {
    update(p: { phase: keyof typeof labels; done: number; total: number }) {
      const now = Date.now();
      if (now - last < 100 && p.done < p.total) return;
      last = now;
      const width = 30;
      const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
      stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor((p.done / Math.max(1, p.total)) * 100)).padStart(3)}% ${labels[p.phase]} ${p.done}/${p.total}  `,
      );
      shown = true;
    },
    clear() {
      if (shown) stderr.write('\r' + ' '.repeat(90) + '\r');
    },
  };
}

function humanReport(
  report: VerificationReport,
  context: { committeeId: string; voteId: string; source: string; seconds: number; warnings: string[]; definition: VoteDefinition | null },
): string {
  const lines: string[] = [];
  lines.push('票决记录验证 / Piaojue record verification');
  lines.push(`来源 Source: ${context.source}`);
  lines.push(
    `委员会 Committee: ${context.committeeId}   表决 Vote: ${context.voteId}${report.version ? `   协议版本 Protocol version: ${report.version}` : ''}${report.head ? `   链头 Head: #${report.head.seq} ${report.head.hash}` : ''}`,
  );
  for (const w of context.warnings) lines.push(`⚠ ${w}`);
  lines.push('');
  for (const c of report.checks) {
    lines.push(`${c.ok ? '✓' : '✗'} ${c.zh} / ${c.en}${c.ok ? '' : ` [${c.code}]`}`);
    lines.push(`    ${c.detailZh} / ${c.detail}`);
  }
  const t = report.tally;
  if (report.ok && t) {
    lines.push('');
    lines.push(
      `应到 entitled ${t.entitled}  实到 present ${t.present}  发出 issued ${t.issued}  收回 returned ${t.returned}  (同意须 ≥ ${t.required} approvals needed)`,
    );
    for (const item of t.items) {
      lines.push(`  ${item.post} (${bilingual(kindWords(item.kind, item.seats))}; 有效 valid ${item.valid}, 无效 invalid ${item.invalid})`);
      for (const c of item.candidates) {
        // 现任职务 / 拟任职务 from the record's definition, after the name, when given.
        const found = findCandidate(context.definition, item.itemId, c.candidateId);
        const posts = found ? postsText(found.item, found.candidate) : null;
        const name = posts === null ? c.name : `${c.name}（${posts}）`;
        lines.push(
          `    ${name}: 同意 ${c.approve} 不同意 ${c.disapprove} 弃权 ${c.abstain}${c.defer ? ` 缓议 ${c.defer}` : ''} → ${bilingual(outcomeWords(c.outcome, item.kind))}`,
        );
      }
      if (item.runoff) lines.push(`    需再次票决 run-off needed for ${item.runoff.seats} seat(s) among ${item.runoff.candidateIds.join(', ')}`);
    }
  }
  lines.push('');
  const failed = report.checks.filter((c) => !c.ok).length;
  lines.push(
    report.ok
      ? `结果 Result: 全部 ${report.checks.length} 项检查通过 / all ${report.checks.length} checks passed (${context.seconds.toFixed(1)} s)`
      : `结果 Result: ${failed} 项检查未通过 / ${failed} of ${report.checks.length} checks FAILED (${context.seconds.toFixed(1)} s)`,
  );
  return lines.join('\n') + '\n';
}

/**
 * The whole command, returning the exit status (0 / 1 / 2) instead of exiting, for tests.
 */
export async function runVerify(options: VerifyCliOptions, ioOverrides: Partial<VerifyIo> = {}): Promise<number> {
  const io = { ...defaultIo(), ...ioOverrides };
  const warn = (text: string) => io.stderr.write(`piaojue verify: ${text}\n`);
  const warnings: string[] = [];
  let accelerator: (VerifyAccelerator & { close(): Promise<void> }) | null = null;
  try {
    if (options.composite !== undefined || options.committee !== undefined) return await verifyCompositeByUrl(options, io);
    if (options.link !== undefined) {
      if (options.url !== undefined || options.vote !== undefined || options.file !== undefined || options.share !== undefined)
        throw new UsageError('--link stands alone: it names the service, the vote and the share link');
      options = { ...options, ...parseShareLink(options.link) };
    }
    if (options.share !== undefined && options.url === undefined) throw new UsageError('--share goes with --url and --vote');
    const byUrl = options.url !== undefined || options.vote !== undefined;
    if (byUrl === (options.file !== undefined)) throw new UsageError('give either --url URL --vote ID, or --file FILE');
    if (byUrl && (!options.url || !options.vote)) throw new UsageError('--url and --vote go together');
    if (byUrl && options.jwks !== undefined) throw new UsageError('--jwks goes with --file; with --url the keys come from URL/.well-known/jwks.json');
    if (options.threads !== undefined && (!Number.isSafeInteger(options.threads) || options.threads < 0 || options.threads > 64)) {
      throw new UsageError('--threads must be an integer from 0 to 64');
    }

    let record: unknown;
    let jwks: JSONWebKeySet;
    let source: string;
    if (byUrl) {
      const base = options.url!.replace(/\/+$/, '');
      if (!/^https?:\/\//.test(base)) throw new UsageError('--url must start with http:// or https://');
      source = `${base}/v1/votes/${encodeURIComponent(options.vote!)}/record`;
      [record, jwks] = await Promise.all([
        getJson(io, source, options.share),
        getJson(io, `${base}/.well-known/jwks.json`).then((v) => asJwks(v, `${base}/.well-known/jwks.json`)),
      ]);
      if (isPlainObject(record) && record.voteId !== options.vote) {
        // The verifier checks the vote the record names; make sure that is the one asked for.
        warnings.push(`the record names vote ${String(record.voteId)}, not ${options.vote}`);
        record = { ...record, voteId: options.vote };
      }
    } else {
      source = options.file!;
      let text: string;
      try {
        text = await io.readFile(options.file!);
      } catch (e) {
        throw new UsageError(`cannot read ${options.file}: ${(e as Error).message}`);
      }
      const doc = parseJson(text, options.file!);
      // A bundle { record, jwks, description? } (nothing else), or the record itself.
      const bundle = isPlainObject(doc) && 'record' in doc && Object.keys(doc).every((k) => ['record', 'jwks', 'description'].includes(k));
      record = bundle ? doc.record : doc;
      const embedded = bundle ? doc.jwks : undefined;
      if (options.jwks !== undefined) {
        let jwksText: string;
        try {
          jwksText = await io.readFile(options.jwks);
        } catch (e) {
          throw new UsageError(`cannot read ${options.jwks}: ${(e as Error).message}`);
        }
        jwks = asJwks(parseJson(jwksText, options.jwks), options.jwks);
      } else if (embedded !== undefined) {
        jwks = asJwks(embedded, `the jwks of the bundle ${options.file}`);
        warnings.push(
          '服务公钥取自记录文件本身，未经独立核实；请用 --jwks 提供从 /.well-known/jwks.json 单独获取的公钥 / the service keys come from the record file itself (self-asserted): pass --jwks with keys fetched separately from /.well-known/jwks.json',
        );
      } else {
        throw new UsageError(`${options.file} is not a bundle { record, jwks }: pass --jwks FILE (the service's /.well-known/jwks.json)`);
      }
    }

    let pinnedHead: ChainHead | undefined;
    let pin: PinFile | undefined;
    if (options.pin !== undefined) {
      let pinText: string | null = null;
      try {
        pinText = await io.readFile(options.pin);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`cannot read ${options.pin}: ${(e as Error).message}`);
      }
      if (pinText !== null) {
        pin = parsePin(pinText, options.pin);
        const committeeId = isPlainObject(record) ? record.committeeId : undefined;
        if (pin.committeeId !== committeeId)
          throw new UsageError(`the pin file ${options.pin} is for committee ${pin.committeeId}, the record for ${String(committeeId)}`);
        pinnedHead = { seq: pin.seq, hash: pin.hash };
      }
    }
    // The human report shows warnings itself; with --json they also go to standard error.
    if (options.json) for (const w of warnings) warn(w);

    const threads = options.threads ?? (ballotCount(record) >= WORKER_THRESHOLD ? undefined : 0);
    const { verifyRecord, inPlaceAccelerator } = await import('../protocol/verifier.ts');
    if (threads !== 0) accelerator = (await import('./verify-workers.ts')).createWorkerAccelerator(threads === undefined ? {} : { threads });
    else {
      // In this thread, with the optional native G1 decoding where it loads (native-g1.ts).
      const native = (await import('../workers/native-g1.ts')).nativeG1Decoder();
      if (native) accelerator = { ...inPlaceAccelerator(io.randomBytes, native), close: () => Promise.resolve() };
    }
    const bar = io.stderr.isTTY && !options.json && ballotCount(record) >= WORKER_THRESHOLD ? progressBar(io.stderr) : null;
    const started = performance.now();
    const report = await verifyRecord(record, {
      jwks,
      randomBytes: io.randomBytes,
      ...(pinnedHead ? { pinnedHead } : {}),
      ...(accelerator ? { accelerator } : {}),
      ...(bar ? { onProgress: (p: { phase: 'issuances' | 'tokens'; done: number; total: number }) => bar.update(p) } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    bar?.clear();

    const committeeId = isPlainObject(record) ? String(record.committeeId) : '?';
    const voteId = isPlainObject(record) ? String(record.voteId) : '?';
    let pinWritten = false;
    if (report.ok && options.pin !== undefined && report.head) {
      try {
        await io.writeFile(options.pin, JSON.stringify({ committeeId, ...advancePin(pinnedHead, report.head) }, null, 2) + '\n');
        pinWritten = true;
      } catch (e) {
        throw new UsageError(`cannot write ${options.pin}: ${(e as Error).message}`);
      }
    }
    if (options.json) {
      io.stdout.write(
        JSON.stringify(
          {
            ok: report.ok,
            committeeId,
            voteId,
            version: report.version,
            source,
            head: report.head,
            pinnedHead: pinnedHead ?? null,
            pinWritten,
            seconds,
            warnings,
            checks: report.checks,
            tally: report.tally,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      io.stdout.write(humanReport(report, { committeeId, voteId, source, seconds, warnings, definition: report.ok ? recordDefinition(record, voteId) : null }));
      if (pinWritten) io.stdout.write(`链头已记录 Head pinned in ${options.pin}: #${report.head!.seq} ${report.head!.hash}\n`);
    }
    return report.ok ? EXIT_OK : EXIT_FAILED;
  } catch (e) {
    if (e instanceof UsageError) {
      warn(e.message);
      return EXIT_USAGE;
    }
    warn(`unexpected error: ${(e as Error)?.message ?? String(e)}`);
    return EXIT_USAGE;
  } finally {
    await accelerator?.close();
  }
}

/** 三元测评综合结果表: per cadre, the weighted rates and score. */
export function printComposite(c: CompositeBody, log: (line: string) => void): void {
  log(`【${c.title}】 ${c.sources.map((s) => `${s.label} ${s.weight}%`).join('  ')}`);
  log(`  分值：${c.points.map((p) => `${p.code} ${p.points}`).join('  ')}`);
  log('  姓名  综合优秀率  综合称职以上率  综合不称职率  综合得分');
  for (const x of c.cadres) log(`  ${x.name}  ${x.excellent.percent}%  ${x.competentOrBetter.percent}%  ${x.inadequate.percent}%  ${x.score.value}`);
}

/**
 * --composite: reads the composite's chain through its entry and each source's record from the
 * service, verifies every record, then the composite on its chain (verifyCompositeOnChain), and
 * prints the composite table. A refusal prints its code and reason, in Chinese and English.
 */
async function verifyCompositeByUrl(options: VerifyCliOptions, io: VerifyIo): Promise<number> {
  if (!options.url || !options.committee || !options.composite) throw new UsageError('--composite goes with --url and --committee');
  const base = options.url.replace(/\/+$/, '');
  const committee = encodeURIComponent(options.committee);
  const jwks = asJwks(await getJson(io, `${base}/.well-known/jwks.json`), 'jwks');
  const found = await getJson(io, `${base}/v1/committees/${committee}/composites/${encodeURIComponent(options.composite)}`);
  const seq = isPlainObject(found) && Number.isSafeInteger(found.seq) ? (found.seq as number) : -1;
  if (seq < 0) throw new UsageError('the service did not answer a composite');
  const chain = await getJson(io, `${base}/v1/committees/${committee}/chain?to=${seq}`);
  const entries = isPlainObject(chain) && Array.isArray(chain.entries) ? chain.entries : [];
  const [{ verifyRecord }, { verifyCompositeOnChain }] = await Promise.all([import('../protocol/verifier.ts'), import('../protocol/verify/composite.ts')]);
  try {
    const entry = parseEntry(entries[seq], `entries.${seq}`);
    if (entry.kind !== 'composite.published')
      throw new ProtocolError('invalid_entry', `entry ${seq} is not a composite`, { zh: `记录项 #${seq} 不是综合测评` });
    const sources = [];
    for (const s of entry.body.sources) {
      const record = await getJson(io, `${base}/v1/votes/${encodeURIComponent(s.voteId)}/record`);
      sources.push({ record, report: await verifyRecord(record, { jwks, randomBytes: (n) => io.randomBytes(n) }) });
    }
    const body = verifyCompositeOnChain(entries, seq, sources);
    printComposite(body, (line) => io.stdout.write(`${line}\n`));
    io.stdout.write('✓ 综合测评与按哈希链和三个测评记录重新计算的结果一致 / the composite equals its recomputation from the chain and the source records\n');
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    io.stdout.write(`✗ ${e.code}: ${e.messageZh} / ${e.message}\n`);
    return EXIT_FAILED;
  }
}

export function verifyCommand(io: Partial<VerifyIo> = {}): Command {
  const out = io.stdout ?? process.stdout;
  const err = io.stderr ?? process.stderr;
  const command = new Command('verify')
    .description('check a published vote record independently: chain, tokens, issuances, tally and signatures (独立验证表决记录)')
    .option('--url <url>', 'service URL; fetches URL/v1/votes/ID/record and URL/.well-known/jwks.json')
    .option('--vote <id>', 'vote id (with --url)')
    .option('--share <capability>', "a vote's share link capability (pjs_…), with --url, for a restricted committee's record")
    .option('--link <url>', "the observer page's address a share link gives (…/#/observer?record=…&cap=…)")
    .option('--file <file>', 'a record saved earlier (the body of GET /v1/votes/ID/record)')
    .option('--jwks <file>', "the service's keys (/.well-known/jwks.json), with --file")
    .option('--pin <file>', 'remember the chain head; fail if a later record no longer contains it')
    .option('--json', 'machine-readable report on standard output')
    .option('--committee <id>', 'with --url and --composite: the committee whose 三元测评 composite to check')
    .option('--composite <id>', 'a 三元测评 composite id (with --url and --committee)')
    .option('--threads <n>', 'worker threads (0: none; default one per core for large records)', (v) => Number(v))
    .configureOutput({ writeOut: (s) => void out.write(s), writeErr: (s) => void err.write(s) })
    .exitOverride((e) => {
      // Commander's own usage errors exit 2 like ours; --help exits 0.
      process.exit(e.exitCode === 0 ? 0 : EXIT_USAGE);
    })
    .action(async (options: VerifyCliOptions) => {
      process.exitCode = await runVerify(options, io);
    });
  return command;
}

// Runnable alone: npx tsx src/cli/verify.ts --file record.json --jwks jwks.json
if (import.meta.url === `file://${process.argv[1]}`) {
  await verifyCommand().parseAsync(process.argv);
}
