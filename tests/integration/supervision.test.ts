// Supervision as shipped in deploy/: the systemd unit and the container image keep the service
// running after a crash. What this machine allows is tested for real:
//  - `systemd-analyze verify` on deploy/piaojue.service (skipped where systemd-analyze is missing);
//  - the service started exactly as the unit's ExecStart, WorkingDirectory, UMask and Environment
//    say (the install folder /opt/piaojue read as this checkout, the state folder as a fresh
//    temporary one, the port as a free one), killed with SIGKILL, and started again as the unit's
//    Restart= would: it comes back ready with its data intact; a SIGTERM stop exits 0 and is not
//    restarted;
//  - the same for the image's CMD and ENV (WORKDIR /app read as this checkout, the /data volume
//    as a temporary folder), with the HEALTHCHECK command line run against it: exit 0 while the
//    service is ready, non-zero once it is killed, 0 again after the restart that
//    deploy/compose.yaml's `restart: unless-stopped` makes;
//  - `docker build` and `docker run` of the image only where a Docker daemon answers and the base
//    image is at hand (skipped with the reason otherwise: CI machines here have neither).
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Api, enrolAndLogin, login } from '../helpers/client.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const UNIT_FILE = join(ROOT, 'deploy/piaojue.service');
const DOCKERFILE = join(ROOT, 'deploy/Dockerfile');
const COMPOSE_FILE = join(ROOT, 'deploy/compose.yaml');

// ---- reading the files as systemd and Docker read them ---------------------------------------

/** A unit file's [Section] → [key, value][] (repeated keys kept in order; comments, blank lines dropped). */
function parseUnit(text: string): Map<string, [string, string][]> {
  const sections = new Map<string, [string, string][]>();
  let current: [string, string][] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = [];
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || !current) throw new Error(`not a unit file line: ${line}`);
    current.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return sections;
}

/** The last value of a key (systemd: a later assignment wins) or undefined. */
function unitValue(unit: Map<string, [string, string][]>, section: string, key: string): string | undefined {
  return unit
    .get(section)
    ?.filter(([k]) => k === key)
    .at(-1)?.[1];
}

/** Environment= assignments, in order (each may hold several space-separated VAR=value words). */
function unitEnvironment(unit: Map<string, [string, string][]>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of unit.get('Service') ?? []) {
    if (k !== 'Environment') continue;
    for (const word of v.split(/\s+/)) {
      const eq = word.indexOf('=');
      env[word.slice(0, eq)] = word.slice(eq + 1);
    }
  }
  return env;
}

/**
 * Whether systemd restarts a service that ended so, under a Restart= setting (systemd.service(5),
 * the table under Restart=): a clean exit is status 0 or death by SIGHUP, SIGINT, SIGTERM or
 * SIGPIPE; RestartPreventExitStatus= lists statuses never restarted.
 */
function systemdRestarts(policy: string, end: { code: number | null; signal: NodeJS.Signals | null }, prevent: number[] = []): boolean {
  const cleanSignal = end.signal !== null && ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGPIPE'].includes(end.signal);
  const clean = (end.signal === null && end.code === 0) || cleanSignal;
  if (end.signal === null && end.code !== null && prevent.includes(end.code)) return false;
  switch (policy) {
    case 'always':
      return true;
    case 'on-failure':
      return !clean;
    case 'on-abnormal':
      return end.signal !== null && !cleanSignal;
    case 'on-abort':
      return end.signal !== null && !cleanSignal;
    default:
      return false; // no, on-success (never after a crash), on-watchdog
  }
}

interface Dockerfile {
  from: string;
  env: Record<string, string>;
  workdir: string;
  user: string | undefined;
  volumes: string[];
  copies: string[][];
  cmd: string[];
  healthcheck: { options: string; cmd: string[] };
}

/** The instructions this project's Dockerfile uses (exec-form CMD and HEALTHCHECK, ENV k=v). */
function parseDockerfile(text: string): Dockerfile {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const out: Dockerfile = { from: '', env: {}, workdir: '/', user: undefined, volumes: [], copies: [], cmd: [], healthcheck: { options: '', cmd: [] } };
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (instruction!.toUpperCase()) {
      case 'FROM':
        out.from = rest[0]!;
        break;
      case 'ENV':
        for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) out.env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
        break;
      case 'WORKDIR':
        out.workdir = args;
        break;
      case 'USER':
        out.user = args;
        break;
      case 'VOLUME':
        out.volumes.push(...(args.startsWith('[') ? (JSON.parse(args) as string[]) : rest));
        break;
      case 'COPY':
        // COPY --from=<stage> takes what an earlier stage built, not a file of the repository.
        if (!rest.some((a) => a.startsWith('--from='))) out.copies.push(rest.filter((a) => !a.startsWith('--')));
        break;
      case 'CMD':
        out.cmd = JSON.parse(args) as string[];
        break;
      case 'HEALTHCHECK': {
        const at = args.indexOf('CMD ');
        out.healthcheck = { options: args.slice(0, at).trim(), cmd: JSON.parse(args.slice(at + 4)) as string[] };
        break;
      }
    }
  }
  return out;
}

// ---- processes -------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const folders: string[] = [];
afterEach(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
  }
  children.clear();
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempFolder(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

interface Started {
  child: ChildProcess;
  url: string;
  port: string;
  code: string | undefined;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns a command line and waits for its "listening on" line (the first-start code when printed). */
async function start(argv: string[], cwd: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  let out = '';
  const listening = await new Promise<{ url: string; code: string | undefined }>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (https?:\/\/[0-9.:]+)/.exec(out);
      if (m) resolve({ url: m[1]!, code: /([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})/.exec(out)?.[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exit.then((e) => reject(new Error(`${argv.join(' ')} ended (${e.code ?? e.signal}) before listening: ${out}`)));
  });
  return { child, ...listening, port: new URL(listening.url).port, exit };
}

/** /readyz until it answers 200 (a bounded number of tries, not a time). */
async function readyz(url: string): Promise<number> {
  let status = 0;
  for (let i = 0; i < 300 && status !== 200; i++) {
    status = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  return status;
}

/** Runs a command line to its end; its exit status. */
function run(argv: string[], cwd: string, env: Record<string, string>): { status: number | null; output: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** A clean environment, as systemd and Docker give one: PATH and what the file sets. */
function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin' };
}

/** The node the file names, or this one where that path does not exist on this machine. */
const nodeBinary = (path: string) => (existsSync(path) ? path : process.execPath);

// ---- the systemd unit ----------------------------------------------------------------------

const unit = parseUnit(readFileSync(UNIT_FILE, 'utf8'));

describe('deploy/piaojue.service', () => {
  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  it.skipIf(!analyze)(
    analyze ? 'passes systemd-analyze verify without a warning' : 'passes systemd-analyze verify (skipped: systemd-analyze is not installed)',
    async () => {
      // verify checks that ExecStart's binary exists: where node is not at the unit's path, a copy
      // names this machine's node instead (the install guide says where to adjust it).
      let file = UNIT_FILE;
      const execStart = unitValue(unit, 'Service', 'ExecStart')!;
      const binary = execStart.split(/\s+/)[0]!;
      if (!existsSync(binary)) {
        const dir = await tempFolder('piaojue-unit-');
        file = join(dir, 'piaojue.service');
        await writeFile(file, readFileSync(UNIT_FILE, 'utf8').replace(`ExecStart=${binary} `, `ExecStart=${process.execPath} `));
      }
      const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      expect({ status: r.status, output: `${r.stdout}${r.stderr}`.trim() }).toEqual({ status: 0, output: '' });
    },
  );

  it('restarts after a crash, not after a stop, and keeps the data folder private to the service account', () => {
    const service = Object.fromEntries(unit.get('Service')!);
    expect(['on-failure', 'always']).toContain(service.Restart);
    expect(service.User).toBe('piaojue');
    expect(service.StateDirectoryMode).toBe('0700');
    expect(service.UMask).toBe('0077');
    expect(service.NoNewPrivileges).toBe('yes');
    expect(service.ProtectSystem).toBe('strict');
    const env = unitEnvironment(unit);
    expect(env.PIAOJUE_DATA_DIR).toBe(`/var/lib/${service.StateDirectory}`);
    expect(service.ReadWritePaths!.split(/\s+/)).toContain(env.PIAOJUE_DATA_DIR);
    // Under its own policy: a SIGKILL or a crash restarts it, a SIGTERM stop (exit 0) or a
    // configuration error (exit 2) does not.
    const prevent = (service.RestartPreventExitStatus ?? '').split(/\s+/).filter(Boolean).map(Number);
    expect(systemdRestarts(service.Restart!, { code: null, signal: 'SIGKILL' }, prevent)).toBe(true);
    expect(systemdRestarts(service.Restart!, { code: 1, signal: null }, prevent)).toBe(true);
    expect(systemdRestarts(service.Restart!, { code: 0, signal: null }, prevent)).toBe(service.Restart === 'always');
    expect(systemdRestarts(service.Restart!, { code: 2, signal: null }, prevent)).toBe(false);
    // The stop waits longer than the service's own drain before systemd sends SIGKILL.
    expect(Number(service.TimeoutStopSec)).toBeGreaterThan(10);
  });

  it('started as ExecStart and Environment say, comes back after SIGKILL with its data, and a SIGTERM stop is final', async () => {
    const stateDir = await tempFolder('piaojue-state-');
    const dataDir = join(stateDir, 'piaojue');
    const installDir = unitValue(unit, 'Service', 'WorkingDirectory')!;
    const env: Record<string, string> = {
      ...baseEnv(),
      HOME: stateDir,
      ...unitEnvironment(unit),
      PIAOJUE_DATA_DIR: dataDir,
      // A free port on loopback instead of 8080 on every interface: a test on a shared machine.
      PORT: '0',
      HOST: '127.0.0.1',
      PIAOJUE_LOG: 'info',
    };
    const [binary, ...args] = unitValue(unit, 'Service', 'ExecStart')!.split(/\s+/);
    // UMask= as systemd applies it, before exec.
    const umask = unitValue(unit, 'Service', 'UMask')!;
    const argv = ['/bin/sh', '-c', `umask ${umask} && exec "$@"`, 'sh', nodeBinary(binary!), ...args.map((a) => a.replace(installDir, ROOT))];
    const healthcheck = parseDockerfile(readFileSync(DOCKERFILE, 'utf8')).healthcheck.cmd;

    const first = await start(argv, ROOT, env);
    expect(await readyz(first.url)).toBe(200);
    const admin = await enrolAndLogin(new Api(first.url), first.code!);
    const created = await admin.api.post('/v1/committees', { name: '守护进程测试委员会' });
    expect(created.status).toBe(201);
    const check = () => run(healthcheck, ROOT, { ...env, PORT: first.port });
    expect(check().status).toBe(0);

    first.child.kill('SIGKILL');
    const crashed = await first.exit;
    expect(crashed.signal).toBe('SIGKILL');
    const restart = unitValue(unit, 'Service', 'Restart')!;
    expect(systemdRestarts(restart, crashed)).toBe(true);
    expect(check().status).not.toBe(0);

    const second = await start(argv, ROOT, { ...env, PORT: first.port });
    expect(await readyz(second.url)).toBe(200);
    expect(second.code).toBeUndefined(); // not a fresh database
    expect(check().status).toBe(0);
    // The same device signs in (the service key survived) and finds the committee.
    const token = await login(new Api(second.url), admin.deviceId, admin.device);
    expect(token.status).toBe(200);
    const got = await new Api(second.url, token.body.accessToken).get(`/v1/committees/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.name).toBe('守护进程测试委员会');
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    // systemctl stop: SIGTERM, the requests drain, exit 0, and no restart.
    second.child.kill('SIGTERM');
    const stopped = await second.exit;
    expect(stopped).toEqual({ code: 0, signal: null });
    expect(systemdRestarts(restart, stopped)).toBe(false);
  }, 600_000);
});

// ---- the container image -------------------------------------------------------------------

const dockerfile = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
const compose = parseYaml(readFileSync(COMPOSE_FILE, 'utf8')) as {
  services: Record<string, { restart?: string; volumes?: string[]; build?: { context: string; dockerfile: string } }>;
};

describe('deploy/Dockerfile and deploy/compose.yaml', () => {
  it('run as a non-root user on a volume, with a health check and a restart policy', () => {
    expect(dockerfile.from).toBe('node:20-bookworm-slim');
    expect(dockerfile.user).toBeDefined();
    expect(['root', '0']).not.toContain(dockerfile.user);
    expect(dockerfile.volumes).toContain(dockerfile.env.PIAOJUE_DATA_DIR);
    expect(dockerfile.healthcheck.cmd.length).toBeGreaterThan(0);
    expect(dockerfile.healthcheck.options).toMatch(/--interval=\S+/);
    // Every file the image copies is in the repository (the build context is its root).
    for (const copy of dockerfile.copies) for (const source of copy.slice(0, -1)) expect(existsSync(join(ROOT, source)), source).toBe(true);
    const service = compose.services.piaojue!;
    expect(service.restart).toBe('unless-stopped');
    expect(service.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
    expect(service.volumes!.some((v) => v.endsWith(`:${dockerfile.env.PIAOJUE_DATA_DIR}`))).toBe(true);
  });

  it("started as its CMD and ENV say, the HEALTHCHECK exits 0 when ready, non-zero when killed, 0 after compose's restart", async () => {
    const volume = await tempFolder('piaojue-volume-');
    const env: Record<string, string> = { ...baseEnv(), HOME: volume, ...dockerfile.env, PIAOJUE_DATA_DIR: volume, PORT: '0', HOST: '127.0.0.1' };
    const cmd = [nodeBinary('/usr/local/bin/node'), ...dockerfile.cmd.slice(1)];
    expect(dockerfile.cmd[0]).toBe('node');
    expect(dockerfile.healthcheck.cmd[0]).toBe('node');
    const healthcheck = [process.execPath, ...dockerfile.healthcheck.cmd.slice(1)];

    const first = await start(cmd, ROOT, env);
    const check = () => run(healthcheck, ROOT, { ...env, PORT: first.port });
    expect(await readyz(first.url)).toBe(200);
    const healthy = check();
    expect(healthy.output).toContain('/readyz 200');
    expect(healthy.status).toBe(0);

    first.child.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');
    const down = check();
    expect(down.status).not.toBe(0);
    expect(down.status).not.toBeNull();

    // restart: unless-stopped restarts a container whose process died (it was not stopped by hand).
    const second = await start(cmd, ROOT, { ...env, PORT: first.port });
    expect(await readyz(second.url)).toBe(200);
    expect(check().status).toBe(0);
    second.child.kill('SIGTERM');
    expect(await second.exit).toEqual({ code: 0, signal: null });
  }, 600_000);

  it('answers non-zero from the HEALTHCHECK while /readyz says 503', async () => {
    // A stand-in service that is up but not ready, as /readyz answers with its database gone.
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/readyz' ? 503 : 404, { 'content-type': 'application/json' });
      res.end('{"status":"not_ready","database":false,"migrations":false}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = String((server.address() as { port: number }).port);
      const healthcheck = [process.execPath, ...dockerfile.healthcheck.cmd.slice(1)];
      const r = await new Promise<{ status: number | null; output: string }>((resolve) => {
        const child = spawn(healthcheck[0]!, healthcheck.slice(1), { cwd: ROOT, env: { ...baseEnv(), ...dockerfile.env, PORT: port, HOST: '127.0.0.1' } });
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.once('exit', (status) => resolve({ status, output }));
      });
      expect(r.output).toContain('/readyz 503');
      expect(r.status).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  const daemon = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  const base = daemon.status === 0 ? spawnSync('docker', ['image', 'inspect', dockerfile.from], { encoding: 'utf8' }) : undefined;
  const noDocker =
    daemon.error !== undefined
      ? 'the docker command is not installed'
      : daemon.status !== 0
        ? 'no Docker daemon answers (docker info failed)'
        : base?.status !== 0
          ? `the base image ${dockerfile.from} is not on this machine and no registry it comes from is reachable`
          : undefined;
  it.skipIf(noDocker !== undefined)(
    noDocker
      ? `builds and runs the image, healthy, and restarted after its process is killed (skipped: ${noDocker})`
      : 'builds and runs the image, healthy, and restarted after its process is killed',
    async () => {
      const tag = `piaojue-supervision-test:${process.pid}`;
      const name = `piaojue-supervision-test-${process.pid}`;
      const docker = (...args: string[]) => spawnSync('docker', args, { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
      const state = (format: string) => docker('inspect', '-f', format, name).stdout.trim();
      const until = async (format: string, want: string) => {
        for (let i = 0; i < 120 && state(format) !== want; i++) await new Promise((r) => setTimeout(r, 1_000));
        return state(format);
      };
      try {
        const build = docker('build', '--pull=false', '-f', 'deploy/Dockerfile', '-t', tag, '.');
        expect(build.status, build.stderr).toBe(0);
        const started = docker('run', '-d', '--name', name, '--restart', 'unless-stopped', '--health-interval', '2s', '--health-start-period', '60s', tag);
        expect(started.status, started.stderr).toBe(0);
        expect(await until('{{.State.Health.Status}}', 'healthy')).toBe('healthy');
        // A crash: the service's process killed from outside, as the OOM killer would.
        const pid = state('{{.State.Pid}}');
        process.kill(Number(pid), 'SIGKILL');
        expect(await until('{{.RestartCount}}', '1')).toBe('1');
        expect(await until('{{.State.Health.Status}}', 'healthy')).toBe('healthy');
      } finally {
        docker('rm', '-f', '-v', name);
        docker('rmi', '-f', tag);
      }
    },
    1_200_000,
  );
});
