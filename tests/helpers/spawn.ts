// `piaojue serve` as a child process, the way a person starts it, on the embedded database
// (DATABASE_URL is removed from the inherited environment) unless a test passes one itself.
import { spawn, type ChildProcess } from 'node:child_process';

export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const e: Record<string, string> = { ...(process.env as Record<string, string>) };
  delete e.DATABASE_URL;
  return { ...e, ...extra };
}

export interface Served {
  child: ChildProcess;
  /** Resolves with the URL it listens on and the first-start code, when it printed one. */
  ready: Promise<{ url: string; code: string | undefined }>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
  /** Everything it has printed on stdout so far. */
  output(): string;
  /** Resolves once it has printed `text` on stderr `times` times (a PIAOJUE_TEST_HOLD line, say). */
  printedOnStderr(text: string, times?: number): Promise<void>;
}

export function serve(dataDir: string, extra: Record<string, string> = {}): Served {
  const child = spawn('node', ['bin/piaojue.js', 'serve'], { env: cliEnv({ PIAOJUE_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...extra }) });
  let out = '';
  const ready = new Promise<{ url: string; code: string | undefined }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (https?:\/\/[0-9.:]+)/.exec(out);
      if (m) resolve({ url: m[1]!, code: /([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})/.exec(out)?.[1] });
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
  ready.catch(() => undefined);
  let err = '';
  const waiting: { text: string; times: number; resolve: () => void }[] = [];
  const count = (text: string) => err.split(text).length - 1;
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of [...waiting]) {
      if (count(w.text) < w.times) continue;
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  const printedOnStderr = (text: string, times = 1) =>
    new Promise<void>((resolve, reject) => {
      if (count(text) >= times) return resolve();
      waiting.push({ text, times, resolve });
      child.once('exit', (code) => reject(new Error(`serve exited ${code} before printing ${text} ×${times}: ${err}`)));
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { child, ready, stop, output: () => out, printedOnStderr };
}
