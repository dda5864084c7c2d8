// The `piaojue device` commands' options. What they run (device.ts, with the client and its
// cryptography) is imported when they run, so that `piaojue --help` stays quick.
import { Command } from 'commander';

export function deviceCommand(): Command {
  const cmd = new Command('device').description('act as an enrolled device from the shell (for scripts and the README walkthrough)');
  cmd
    .command('enrol')
    .argument('<url>', 'service URL, e.g. http://localhost:8080')
    .argument('<code>', 'one-time enrolment code')
    .argument('<keyfile>', 'file to keep this device key in (created, mode 0600)')
    .action(async (url: string, code: string, keyfile: string) => {
      const { enrolToKeyFile } = await import('./device.ts');
      console.log(JSON.stringify(await enrolToKeyFile(url, code, keyfile)));
    });
  cmd
    .command('login')
    .argument('<keyfile>', 'the key file written by `device enrol`')
    .description('print a fresh access token')
    .action(async (keyfile: string) => {
      const { deviceLogin, readDeviceKeyFile } = await import('./device.ts');
      console.log(await deviceLogin(await readDeviceKeyFile(keyfile)));
    });
  return cmd;
}
