// Check `tallySignature` alone: the service key's JWS over the published tally.
import { importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { signTally } from '../../src/protocol/receipt.ts';
import { checkTallySignature } from '../../src/protocol/verify/tally-signature.ts';
import { serviceKey } from '../../testkit/protocol-scenario.ts';

const key = serviceKey('verify-tally-signature');
const tally = { turnout: { issued: 1 } };

describe('check tallySignature', () => {
  it('passes the service key’s signature over the tally', async () => {
    const jws = await signTally(tally as never, await importJWK(key.privateJwk, 'EdDSA'), key.kid);
    expect(await checkTallySignature({ tally, tallySignature: jws }, key.jwks)).toMatchObject({ ok: true });
  });
  it('when the tally was changed after signing / fails with tally_signature_invalid', async () => {
    const jws = await signTally(tally as never, await importJWK(key.privateJwk, 'EdDSA'), key.kid);
    expect(await checkTallySignature({ tally: { turnout: { issued: 2 } }, tallySignature: jws }, key.jwks)).toMatchObject({
      ok: false,
      code: 'tally_signature_invalid',
    });
  });
  it('when the signature is not a JWS / fails with tally_signature_invalid', async () => {
    expect(await checkTallySignature({ tally, tallySignature: 42 }, key.jwks)).toMatchObject({ ok: false, code: 'tally_signature_invalid' });
  });
});
