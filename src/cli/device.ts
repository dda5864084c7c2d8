// `piaojue device`: plays a member's device from a shell — an Ed25519 key kept in a file,
// enrolment with a one-time code, and login by signing the server's challenge. The browser
// client does the same with a non-extractable WebCrypto key. The flows are src/client's.
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { ApiClient, enrol, login, WebCryptoDevice } from '../client/index.ts';

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
    throw new Error(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
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

/** The key file's Ed25519 key (imported non-extractable), as a device that signs. */
export async function keyFileDevice(file: DeviceKeyFile): Promise<WebCryptoDevice> {
  return WebCryptoDevice.fromEd25519Jwk(file.privateJwk);
}

/** Signs the service's login challenge with the key file's device; returns a fresh access token. */
export async function deviceLogin(file: DeviceKeyFile): Promise<string> {
  return login(new ApiClient(file.url), file.deviceId, await keyFileDevice(file));
}

/** `piaojue device enrol`: enrols a new device key with a one-time code and keeps it in `keyfile` (mode 0600). */
export async function enrolToKeyFile(url: string, code: string, keyfile: string): Promise<{ personId: string; deviceId: string; fingerprint: string }> {
  const device = await WebCryptoDevice.create('Ed25519', { extractable: true });
  const base = url.replace(/\/+$/, '');
  const out = await enrol(new ApiClient(base), code, device.publicKey);
  const file: DeviceKeyFile = {
    url: base,
    deviceId: out.deviceId,
    personId: out.personId,
    privateJwk: (await device.exportPrivateJwk()) as DeviceKeyFile['privateJwk'],
  };
  await writeFile(keyfile, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
  return { personId: out.personId, deviceId: out.deviceId, fingerprint: out.fingerprint };
}
