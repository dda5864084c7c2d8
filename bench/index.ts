// `npm run bench`: every benchmark, each printing its figures beside its reference measured in
// the same run. Speed targets live here, never as timed assertions in tests.
import { benchCollation } from './collation.ts';
import { benchHttp } from './http.ts';

// Names of benches to run; options (--n 3000) are each bench's to read from process.argv.
const only = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1]?.startsWith('--') && !all[i - 1]!.includes('=')));
const benches: [string, () => Promise<void>][] = [
  ['collation', benchCollation],
  ['verify', async () => (await import('./verify.ts')).benchVerify()],
  ['web-verify', async () => (await import('./web-verify.ts')).benchWebVerify()],
  ['http', benchHttp],
  ['cast-throughput', async () => (await import('./cast-throughput.ts')).benchCastThroughput()],
  ['flood', async () => (await import('./flood.ts')).benchFlood()],
  ['token-group', async () => (await import('./token-group.ts')).benchTokenGroup()],
  ['memory', async () => (await import('./memory.ts')).benchMemory()],
  ['chain-reads', async () => (await import('./chain-reads.ts')).benchChainReads()],
  ['participants', async () => (await import('./participants.ts')).benchParticipants()],
];
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`npm run bench [-- NAME…] [--n N] [--db pglite|postgres]\nbenches: ${benches.map(([name]) => name).join(', ')} (all of them when none is named)`);
  process.exit(0);
}
const unknown = only.filter((name) => !benches.some(([known]) => known === name));
if (unknown.length > 0) {
  console.error(`npm run bench: no bench ${unknown.join(', ')} (one of ${benches.map(([name]) => name).join(', ')})`);
  process.exit(2);
}
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`== ${name}`);
  await run();
}
