// `piaojue device`: plays a member's device from a shell — an Ed25519 key kept in a file,
// enrolment with a one-time code, and login by signing the server's challenge. The browser
// client does the same with a non-extractable WebCrypto key.
import { readFile, writeFile } from 'node:fs/promises';
import { webcrypto } from 'node:crypto';
import { Command } from 'commander';
import { z } from 'zod';
import { deviceMessage } from '../protocol/device.ts';
import { toBase64url } from '../protocol/encoding.ts';

const keyFileSchema = z.object({
  url: z.string().url(),
  deviceId: z.string(),
  personId: z.string(),
  privateJwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), d: z.string(), x: z.string() }).passthrough(),
});
export type DeviceKeyFile = z.infer<typeof keyFileSchema>;

/** Reads a key file written by `piaojue device enrol`; a file of another shape is refused by name. */
export async function readDeviceKeyFile(path: string): Promise<DeviceKeyFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  let parsed: z.ZodSafeParseResult<DeviceKeyFile>;
  try {
    parsed = keyFileSchema.safeParse(JSON.parse(text));
  } catch {
    throw new Error(`${path} is not JSON: expected a key file written by \`piaojue device enrol\``);
  }
  if (!parsed.success) throw new Error(`${path} is not a key file written by \`piaojue device enrol\``);
  return parsed.data;
}

async function postJson(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${res.status} ${json.code ?? ''}: ${json.detail ?? res.statusText}`);
  return json;
}

/** Signs the service's login challenge with a device key and returns a fresh access token. */
export async function loginWithDevice(url: string, deviceId: string, sign: (message: Uint8Array) => Promise<Uint8Array>): Promise<string> {
  const ch = await postJson(`${url}/v1/auth/challenge`, { deviceId });
  const message = deviceMessage('piaojue/v1/login', { challenge: ch.challenge, challengeId: ch.challengeId, deviceId });
  const token = await postJson(`${url}/v1/auth/token`, { challengeId: ch.challengeId, signature: toBase64url(await sign(message)) });
  return token.accessToken as string;
}

/** The signing function of a key file's Ed25519 key (imported non-extractable). */
export async function keyFileSigner(file: DeviceKeyFile): Promise<(message: Uint8Array) => Promise<Uint8Array>> {
  const key = await webcrypto.subtle.importKey('jwk', file.privateJwk, { name: 'Ed25519' }, false, ['sign']);
  return async (message) => new Uint8Array(await webcrypto.subtle.sign({ name: 'Ed25519' }, key, message));
}

export async function deviceLogin(file: DeviceKeyFile): Promise<string> {
  return loginWithDevice(file.url, file.deviceId, await keyFileSigner(file));
}

export function deviceCommand(): Command {
  const cmd = new Command('device').description('act as an enrolled device from the shell (for scripts and the README walkthrough)');
  cmd
    .command('enrol')
    .argument('<url>', 'service URL, e.g. http://localhost:8080')
    .argument('<code>', 'one-time enrolment code')
    .argument('<keyfile>', 'file to keep this device key in (created, mode 0600)')
    .action(async (url: string, code: string, keyfile: string) => {
      const pair = (await webcrypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
      const raw = new Uint8Array(await webcrypto.subtle.exportKey('raw', pair.publicKey));
      const base = url.replace(/\/+$/, '');
      const out = await postJson(`${base}/v1/enrol`, { code, device: { alg: 'Ed25519', key: toBase64url(raw) } });
      const file: DeviceKeyFile = { url: base, deviceId: out.deviceId, personId: out.personId, privateJwk: (await webcrypto.subtle.exportKey('jwk', pair.privateKey)) as DeviceKeyFile['privateJwk'] };
      await writeFile(keyfile, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
      console.log(JSON.stringify({ personId: out.personId, deviceId: out.deviceId, fingerprint: out.fingerprint }));
    });
  cmd
    .command('login')
    .argument('<keyfile>', 'the key file written by `device enrol`')
    .description('print a fresh access token')
    .action(async (keyfile: string) => {
      console.log(await deviceLogin(await readDeviceKeyFile(keyfile)));
    });
  return cmd;
}
