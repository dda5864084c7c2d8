// The service's keys after rotations: sealed text names the key that sealed it, a retired key
// still opens it, text sealed before key ids existed still opens, and the key store (the data
// folder's files, or PIAOJUE_SIGNING_KEY with PIAOJUE_RETIRED_KEYS) loads the retired keys.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateServiceKeys, loadServiceKeys, retiredKeysText, rotatedServiceKeys, stageKeyFiles, SigningKeyError, withRetiredKeys } from '../../src/keys.ts';
import { openBallot, openVoteSecret, sealBallot, sealVoteSecret, UnknownSealingKeyError } from '../../src/votes/sealing.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';

const secret = new Uint8Array(32).fill(7);

describe('sealing across key rotations', () => {
  it('names the sealing key in the sealed text, and a retired key still opens it', async () => {
    const a = await generateServiceKeys();
    const sealed = sealVoteSecret(a, 'v1', secret);
    expect(sealed.startsWith(`${a.kid}.`)).toBe(true);
    const b = await rotatedServiceKeys(a);
    expect(openVoteSecret(b, 'v1', sealed)).toEqual(secret);
    const ballot = sealBallot(a, 'v1', 'tok', '{"x":1}');
    expect(openBallot(b, 'v1', 'tok', ballot)).toBe('{"x":1}');
    // New text names the new key.
    expect(sealBallot(b, 'v1', 'tok', '{}').startsWith(`${b.kid}.`)).toBe(true);
  });

  it('opens text sealed before key ids existed with the active key, or with a retired one', async () => {
    const a = await generateServiceKeys();
    const legacy = sealVoteSecret(a, 'v1', secret).slice(a.kid.length + 1);
    expect(legacy).not.toContain('.');
    expect(openVoteSecret(a, 'v1', legacy)).toEqual(secret);
    const c = await rotatedServiceKeys(await rotatedServiceKeys(a));
    expect(openVoteSecret(c, 'v1', legacy)).toEqual(secret);
    // Still bound to its row: another vote id does not open it under any key.
    expect(() => openVoteSecret(c, 'v2', legacy)).toThrow();
  });

  it('refuses text naming a key the service does not hold, naming it', async () => {
    const a = await generateServiceKeys();
    const other = await generateServiceKeys();
    const sealed = sealVoteSecret(other, 'v1', secret);
    expect(() => openVoteSecret(a, 'v1', sealed)).toThrow(UnknownSealingKeyError);
    expect(() => openVoteSecret(a, 'v1', sealed)).toThrow(other.kid);
    // A retired key dropped from the list no longer opens what it sealed.
    const b = await rotatedServiceKeys(a);
    const forgotten = await withRetiredKeys(b, []);
    expect(() => openVoteSecret(forgotten, 'v1', sealVoteSecret(a, 'v1', secret))).toThrow(UnknownSealingKeyError);
  });

  it('publishes the active key first, then the retired ones, public halves only', async () => {
    const a = await generateServiceKeys();
    const b = await rotatedServiceKeys(a);
    const c = await rotatedServiceKeys(b);
    expect(c.retired.map((k) => k.kid)).toEqual([b.kid, a.kid]);
    expect(c.jwks.keys.map((k) => k.kid)).toEqual([c.kid, b.kid, a.kid]);
    expect(c.jwks.keys.every((k) => k.d === undefined && k.use === 'sig' && k.alg === 'EdDSA')).toBe(true);
  });
});

describe('loading the retired keys', () => {
  it('reads PIAOJUE_RETIRED_KEYS beside PIAOJUE_SIGNING_KEY', async () => {
    const b = await rotatedServiceKeys(await generateServiceKeys());
    const dataDir = await mkdtemp(join(tmpdir(), 'piaojue-keys-'));
    const loaded = await loadServiceKeys({ signingKey: JSON.stringify(b.privateJwk), retiredKeys: retiredKeysText(b), dataDir });
    expect(loaded.kid).toBe(b.kid);
    expect(loaded.retired.map((k) => k.kid)).toEqual(b.retired.map((k) => k.kid));
    await expect(loadServiceKeys({ signingKey: JSON.stringify(b.privateJwk), retiredKeys: '{"kty":"OKP"}', dataDir })).rejects.toThrow(SigningKeyError);
    await expect(loadServiceKeys({ signingKey: JSON.stringify(b.privateJwk), retiredKeys: '[{"kty":"OKP"}]', dataDir })).rejects.toThrow(
      'PIAOJUE_RETIRED_KEYS[0]',
    );
  });

  it('reads the data folder after a staged and committed rotation; before the commit it still holds the old active key', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'piaojue-keys-'));
    const a = await loadServiceKeys({ dataDir });
    const b = await rotatedServiceKeys(a);
    const staged = await stageKeyFiles(dataDir, b);
    const between = await loadServiceKeys({ dataDir });
    expect(between.kid).toBe(a.kid);
    expect(between.retired).toEqual([]);
    await staged.commit();
    const after = await loadServiceKeys({ dataDir });
    expect(after.kid).toBe(b.kid);
    expect(after.retired.map((k) => k.kid)).toEqual([a.kid]);
    expect((await stat(join(dataDir, 'retired-keys.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'signing-key.json'))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(dataDir, 'retired-keys.json'), 'utf8'))).toEqual([a.privateJwk]);
  });

  it('refuses retired keys without the active key file', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'piaojue-keys-'));
    await writeFile(join(dataDir, 'retired-keys.json'), retiredKeysText(await rotatedServiceKeys(await generateServiceKeys())));
    await expect(loadServiceKeys({ dataDir })).rejects.toThrow('signing-key.json');
  });

  it('takes PIAOJUE_RETIRED_KEYS only with PIAOJUE_SIGNING_KEY', () => {
    expect(() => loadConfig({ PIAOJUE_RETIRED_KEYS: '[]' })).toThrow(ConfigError);
    expect(() => loadConfig({ PIAOJUE_RETIRED_KEYS: '[]' })).toThrow(/^PIAOJUE_RETIRED_KEYS: goes with PIAOJUE_SIGNING_KEY/);
    expect(loadConfig({ PIAOJUE_SIGNING_KEY: '{}', PIAOJUE_RETIRED_KEYS: '[]' }).retiredKeys).toBe('[]');
  });
});
