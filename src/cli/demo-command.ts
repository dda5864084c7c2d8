// The `piaojue demo` command's options. What it runs (demo.ts, demo-shapes.ts) is imported when
// it runs, so that `piaojue --help` does not load the service to describe it.
import { Command } from 'commander';

/** Exit status 2 for misuse (the caller's options, or the service refusing a request), 1 otherwise. */
async function exitStatusOf(e: unknown): Promise<number> {
  const [{ DemoError }, { ApiError }] = await Promise.all([import('./demo.ts'), import('../client/index.ts')]);
  return e instanceof DemoError || e instanceof ApiError ? 2 : 1;
}

export function demoCommand(): Command {
  return (
    new Command('demo')
      .description('run a whole meeting through the HTTP API and check the published tally')
      .option('--members <n>', 'committee size', (v) => Number.parseInt(v, 10), 11)
      .option('--url <url>', 'a running service (default: start a fresh embedded one)')
      .option('--admin-code <code>', 'a one-time administrator enrolment code (with --url)')
      .option('--admin-key <file>', 'the administrator key file from `piaojue device enrol` (its service URL is the default --url)')
      .option('--record-out <file>', "write the published record here, and the service's keys beside it")
      .option('--jwks-out <file>', "where the service's keys go (default: the record file name with .jwks.json)")
      // Issue 15: a 民主推荐 or 民主测评 at a meeting of participants holding slips (demo-shapes.ts).
      .option('--shape <shape>', 'recommendation (民主推荐) or evaluation (民主测评), at a meeting of participants holding slips')
      .option('--participants <n>', 'with --shape: participants, each with one slip', (v) => Number.parseInt(v, 10), 30)
      .option('--composite', 'with --shape evaluation: three evaluations (三元测评) combined 30/40/30, and the composite table')
      .action(
        async (opts: {
          members: number;
          url?: string;
          adminCode?: string;
          adminKey?: string;
          recordOut?: string;
          jwksOut?: string;
          shape?: string;
          participants: number;
          composite?: boolean;
        }) => {
          if (opts.shape !== undefined) {
            if (opts.shape !== 'recommendation' && opts.shape !== 'evaluation') {
              console.error('piaojue demo: --shape must be recommendation or evaluation');
              process.exit(2);
            }
            if (opts.composite && opts.shape !== 'evaluation') {
              console.error('piaojue demo: --composite goes with --shape evaluation');
              process.exit(2);
            }
            if (!Number.isInteger(opts.participants) || opts.participants < 1 || opts.participants > 3000) {
              console.error('piaojue demo: --participants must be an integer from 1 to 3000');
              process.exit(2);
            }
            try {
              const { runShapedDemo } = await import('./demo-shapes.ts');
              const { ok } = await runShapedDemo({
                shape: opts.shape,
                participants: opts.participants,
                composite: opts.composite === true,
                ...(opts.url ? { url: opts.url } : {}),
                ...(opts.adminCode ? { adminCode: opts.adminCode } : {}),
              });
              process.exit(ok ? 0 : 1);
            } catch (e) {
              console.error(`piaojue demo: ${(e as Error).message}`);
              process.exit(await exitStatusOf(e));
            }
          }
          if (!Number.isInteger(opts.members) || opts.members < 3 || opts.members > 500) {
            console.error('piaojue demo: --members must be an integer from 3 to 500');
            process.exit(2);
          }
          try {
            const { runDemo } = await import('./demo.ts');
            const { ok } = await runDemo(opts);
            process.exit(ok ? 0 : 1);
          } catch (e) {
            console.error(`piaojue demo: ${(e as Error).message}`);
            process.exit(await exitStatusOf(e));
          }
        },
      )
  );
}
