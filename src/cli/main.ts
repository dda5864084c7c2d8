// The `piaojue` command: serve, migrate, admin bootstrap, sort-names, verify, demo.
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase, StartupError } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { buildContext, startService } from '../server.ts';
import { bootstrapAdmin } from '../people/enrolment.ts';
import { sortNamesCommand } from './sort-names.ts';
import { deviceCommand } from './device.ts';
import { demoCommand } from './demo.ts';
import { verifyCommand } from './verify.ts';

function configOrExit() {
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

const program = new Command('piaojue').description('票决 Piaojue: secret, verifiable committee votes').showHelpAfterError();

program
  .command('serve')
  .description('run the service (embedded PostgreSQL unless DATABASE_URL is set)')
  .action(async () => {
    let service: Awaited<ReturnType<typeof startService>>;
    try {
      service = await startService(configOrExit());
    } catch (e) {
      if (e instanceof StartupError) {
        console.error(`piaojue: cannot start: ${e.message}`);
        process.exit(1);
      }
      throw e;
    }
    const stop = async () => {
      await service.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const config = configOrExit();
    const db = await openDatabase(config);
    try {
      const applied = await migrate(db);
      console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      await db.close();
    }
  });

const admin = program.command('admin').description('administration');
admin
  .command('bootstrap')
  .description('print a one-time enrolment code for the administrator (creating the administrator if needed)')
  .action(async () => {
    const ctx = await buildContext({ ...configOrExit(), log: 'silent' });
    try {
      const out = await bootstrapAdmin(ctx, { newCode: true });
      console.log(`管理员一次性登记码 / administrator enrolment code: ${out!.code}`);
      console.log(`expires ${out!.expiresAt}; person ${out!.personId}${out!.created ? ' (created)' : ''}`);
    } finally {
      await ctx.db.close();
    }
  });

program.addCommand(sortNamesCommand());
program.addCommand(deviceCommand());
program.addCommand(demoCommand());
program.addCommand(verifyCommand());

await program.parseAsync(process.argv);
