// Benchmark: sortNames on 10,000 realistic names, beside Intl.Collator('zh-u-co-stroke') in the
// same run, plus the adjacent-pairs agreement of each with the published lists.
// Run alone: npx tsx bench/collation.ts
import { publishedLists } from '../testkit/published-lists.ts';
import { pathToFileURL } from 'node:url';
import { compareNames, sortNames, type Convention } from '../src/collation/index.ts';
import * as route from '../src/http/routes/collation.ts';

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 10,000 names: surnames drawn with the frequency they have in the real lists (王, 李, 张 … come
 * up often), given names of 1 (30%) or 2 (70%) characters drawn from the lists' given names.
 */
export function realisticNames(count: number, seed = 20240311): string[] {
  const all = publishedLists().flatMap((l) => l.names);
  const surnames = all.map((n) => [...n][0]!); // repeated entries = frequency weight
  const givenChars = all.flatMap((n) => [...n].slice(1)).filter((c) => c !== '·');
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  return Array.from({ length: count }, () => pick(surnames) + pick(givenChars) + (rand() < 0.7 ? pick(givenChars) : ''));
}

function medianMs(fn: () => void, runs = 9, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * Names for the stroke-order route's worst case: `count` names of `length` characters, a common
 * surname then characters of CJK Extension B, which the stroke data places by count only, so
 * every one of them is listed in `fallbacks` (the largest answer per character of input).
 */
function rareNames(count: number, length: number): string[] {
  let cp = 0x20000;
  return Array.from({ length: count }, () => {
    let name = '王';
    for (let i = 1; i < length; i++) name += String.fromCodePoint(cp++ > 0x2a6d0 ? (cp = 0x20001) : cp);
    return name;
  });
}

/**
 * What one POST /v1/collation/stroke-order costs the service, in CPU time (this process, every
 * thread: contention on a shared machine inflates wall time, far less CPU time): JSON.parse,
 * the route's validation, the sort, JSON.stringify of the answer. Median of 5 after a warm-up.
 */
function routeCost(names: string[], convention: Convention, validate = true): { cpuMs: number; inBytes: number; outBytes: number; status: 200 | 400 } {
  const body = JSON.stringify({ names, convention });
  const once = () => {
    const start = process.cpuUsage();
    const json = JSON.parse(body) as { names: string[]; convention: Convention };
    const parsed = validate ? route.strokeOrderRequestSchema.safeParse(json) : { success: true as const, data: json };
    const out = parsed.success ? JSON.stringify(sortNames(parsed.data.names, parsed.data.convention ?? 'surname')) : '';
    const used = process.cpuUsage(start);
    return { cpuMs: (used.user + used.system) / 1000, outBytes: Buffer.byteLength(out), status: parsed.success ? (200 as const) : (400 as const) };
  };
  once();
  const runs = Array.from({ length: 5 }, once).sort((a, b) => a.cpuMs - b.cpuMs);
  return { ...runs[2]!, inBytes: Buffer.byteLength(body) };
}

/** The stroke-order route at the largest input it accepts, and at the largest it once accepted (5,000 × 64). */
function benchStrokeOrderRoute(): void {
  const maxTotal = (route as { MAX_TOTAL_CHARACTERS?: number }).MAX_TOTAL_CHARACTERS ?? route.MAX_NAMES * route.MAX_NAME_LENGTH;
  const perName = Math.min(route.MAX_NAME_LENGTH, Math.floor(maxTotal / route.MAX_NAMES));
  const cases: [string, string[], Convention, boolean?][] = [
    [`${route.MAX_NAMES} realistic names`, realisticNames(route.MAX_NAMES), 'surname'],
    [`${route.MAX_NAMES} × ${perName} common characters`, Array.from({ length: route.MAX_NAMES }, () => '王毅'.repeat(perName).slice(0, perName)), 'fullname'],
    [`${route.MAX_NAMES} × ${perName} Ext. B characters`, rareNames(route.MAX_NAMES, perName), 'fullname'],
    [
      `${Math.floor(maxTotal / route.MAX_NAME_LENGTH)} × ${route.MAX_NAME_LENGTH} Ext. B characters`,
      rareNames(Math.floor(maxTotal / route.MAX_NAME_LENGTH), route.MAX_NAME_LENGTH),
      'fullname',
    ],
    // Before the limits of issue 12: 5,000 names of 64, and a 1 MiB body, which holds 4,000 such names.
    ['4000 × 64 Ext. B characters (the largest input once accepted)', rareNames(4000, 64), 'fullname'],
  ];
  for (const [label, names, convention] of cases) {
    const c = routeCost(names, convention);
    if (c.status === 400) {
      // What it cost while it was accepted (the same work without today's validation).
      const was = routeCost(names, convention, false);
      console.log(
        `stroke-order route: ${label}: now refused (${(c.inBytes / 1024).toFixed(0)} KiB: 413 over the ${(bodyLimit() / 1024).toFixed(0)} KiB body limit, before parsing); when accepted it cost ${was.cpuMs.toFixed(0)} ms CPU and answered ${(was.outBytes / 1024).toFixed(0)} KiB`,
      );
      continue;
    }
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
    console.log(
      `stroke-order route: ${label.padEnd(52)} ${c.status === 200 ? `${c.cpuMs.toFixed(0).padStart(5)} ms CPU, ${kb(c.inBytes).padStart(8)} in, ${kb(c.outBytes).padStart(9)} out` : `refused 400 (${kb(c.inBytes)} in; the body limit answers 413 before parsing when over ${kb(bodyLimit())})`}`,
    );
  }
}

let bodyLimitValue: number | undefined;
function bodyLimit(): number {
  return bodyLimitValue ?? Number.NaN;
}

export async function benchCollation(): Promise<void> {
  bodyLimitValue = (await import('../src/http/body-limits.ts')).bodyLimitFor('POST', '/v1/collation/stroke-order');
  benchStrokeOrderRoute();
  const names = realisticNames(10_000);
  const collator = new Intl.Collator('zh-u-co-stroke');
  const intl = medianMs(() => void [...names].sort(collator.compare));
  for (const convention of ['surname', 'fullname'] as const) {
    const ours = medianMs(() => void sortNames(names, convention));
    console.log(
      `collation: sortNames(10,000, ${convention.padEnd(8)}) ${ours.toFixed(1).padStart(6)} ms | ` +
        `Intl.Collator('zh-u-co-stroke') ${intl.toFixed(1).padStart(6)} ms | ratio ours/Intl ${(ours / intl).toFixed(2)} | target ≤ 50 ms`,
    );
  }
  for (const list of publishedLists()) {
    let ours = 0;
    let theirs = 0;
    for (let i = 1; i < list.names.length; i++) {
      const [a, b] = [list.names[i - 1]!, list.names[i]!];
      if (compareNames(a, b, list.convention) <= 0) ours++;
      if (collator.compare(a, b) <= 0) theirs++;
    }
    const pairs = list.names.length - 1;
    console.log(
      `collation: adjacent pairs as published in ${list.file}: ours ${ours}/${pairs}, ` +
        `Intl.Collator ${theirs}/${pairs} (${((100 * theirs) / pairs).toFixed(1)}%)`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchCollation();
}
