// Benchmark: sortNames on 10,000 realistic names, beside Intl.Collator('zh-u-co-stroke') in the
// same run, plus the adjacent-pairs agreement of each with the published lists.
// Run alone: npx tsx bench/collation.ts
import { publishedLists } from '../testkit/published-lists.ts';
import { pathToFileURL } from 'node:url';
import { compareNames, sortNames, type Convention } from '../src/collation/index.ts';

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

export async function benchCollation(): Promise<void> {
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
