// The `piaojue` command: serve, migrate, admin bootstrap, keys rotate, sort-names, verify, demo.
import { Command } from 'commander';
import type { Config } from '../config.ts';
import { sortNamesCommand } from './sort-names.ts';
import { deviceCommand } from './device-command.ts';
import { demoCommand } from './demo-command.ts';
import { verifyCommand } from './verify.ts';

// The service, the database and the key files are imported by the commands that use them, not
// here: `piaojue --help`, `sort-names` or `verify` should not pay for loading express, pg and
// PGlite.

async function configOrExit(): Promise<Config> {
  const { ConfigError, loadConfig } = await import('../config.ts');
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`piaojue: invalid configuration: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
}

/** Runs a command that opens the database; a data folder held by a running service stops it with a message, not a stack. */
async function withDatabase(what: string, hint: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const [{ StartupError }, { DataFolderInUseError }] = await Promise.all([import('../db/database.ts'), import('../db/folder-lock.ts')]);
    if (e instanceof StartupError) {
      // The database cannot be used (unreachable, or another service key's): a message, not a stack.
      console.error(`piaojue ${what}: cannot start: ${e.message}`);
      process.exit(1);
    }
    if (!(e instanceof DataFolderInUseError)) throw e;
    console.error(`piaojue ${what}: ${e.message}.\n${hint}`);
    process.exit(2);
  }
}

const STOP_IT = 'Stop that process first (Ctrl-C where `npm start` runs), or give this command DATABASE_URL when the service uses a real PostgreSQL.';

const program = new Command('piaojue').description('票决 Piaojue: secret, verifiable committee votes').showHelpAfterError();

program
  .command('serve')
  .description('run the service (embedded PostgreSQL unless DATABASE_URL is set)')
  .action(async () => {
    const { startService } = await import('../server.ts');
    const { StartupError } = await import('../db/database.ts');
    let service: Awaited<ReturnType<typeof startService>> | undefined;
    await withDatabase('serve', 'Only one process may use an embedded database folder; set PIAOJUE_DATA_DIR to run a second service.', async () => {
      try {
        service = await startService(await configOrExit());
      } catch (e) {
        if (e instanceof StartupError) {
          console.error(`piaojue: cannot start: ${e.message}`);
          process.exit(1);
        }
        throw e;
      }
    });
    if (!service) return;
    const running = service;
    const stop = async () => {
      await running.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const config = await configOrExit();
    const [{ openDatabase }, { migrate }] = await Promise.all([import('../db/database.ts'), import('../db/migrate.ts')]);
    await withDatabase('migrate', `${STOP_IT} A running service applies its migrations when it starts.`, async () => {
      const db = await openDatabase(config);
      try {
        const applied = await migrate(db);
        console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await db.close();
      }
    });
  });

const admin = program.command('admin').description('administration');
admin
  .command('bootstrap')
  .description('print a one-time enrolment code for the administrator (creating the administrator if needed)')
  .action(async () => {
    const hint =
      'A code made beside a running service would never reach it. ' +
      STOP_IT +
      '\n' +
      "Without stopping it: from the administrator's enrolled device, issue a new code for the administrator on the admin page (#/admin), " +
      'or run the demo with the administrator key file: npx piaojue demo --admin-key admin.key';
    const [{ buildContext }, { bootstrapAdmin }] = await Promise.all([import('../server.ts'), import('../devices/enrolment.ts')]);
    await withDatabase('admin bootstrap', hint, async () => {
      const ctx = await buildContext({ ...(await configOrExit()), log: 'silent' });
      try {
        const out = await bootstrapAdmin(ctx, { newCode: true });
        console.log(`管理员一次性登记码 / administrator enrolment code: ${out!.code}`);
        console.log(`expires ${out!.expiresAt}; person ${out!.personId}${out!.created ? ' (created)' : ''}`);
      } finally {
        await ctx.db.close();
        await ctx.crypto.close();
      }
    });
  });

const keys = program.command('keys').description('the service keys');
keys
  .command('rotate')
  .description('make a new active service key, keep the old one as retired (it still opens what it sealed and stays in the JWKS), and print what to do next')
  .option('--out <file>', 'with PIAOJUE_SIGNING_KEY: a new file (mode 0600) for the new PIAOJUE_SIGNING_KEY and PIAOJUE_RETIRED_KEYS')
  .action(async (opts: { out?: string }) => {
    const config = await configOrExit();
    const { rotateKeys, RotationUsageError } = await import('./keys.ts');
    await withDatabase('keys rotate', `${STOP_IT} Then run the rotation and start the service again.`, async () => {
      try {
        console.log((await rotateKeys(config, { out: opts.out })).text);
      } catch (e) {
        if (!(e instanceof RotationUsageError)) throw e;
        console.error(`piaojue keys rotate: ${e.message}`);
        process.exit(2);
      }
    });
  });

program.addCommand(sortNamesCommand());
program.addCommand(deviceCommand());
program.addCommand(demoCommand());
program.addCommand(verifyCommand());

await program.parseAsync(process.argv);
