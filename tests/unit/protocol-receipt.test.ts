import { CompactSign, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../src/protocol/encoding.ts';
import { receiptPayload, signCanonical, signReceipt, signTally, verifyReceipt, verifyTallySignature, TALLY_TYP } from '../../src/protocol/receipt.ts';
import type { Tally } from '../../src/protocol/tally.ts';
import { serviceKey } from '../../testkit/protocol-scenario.ts';
import { protocolErrorCodeAsync } from '../helpers/records.ts';

const svc = serviceKey('receipt-test');
const other = serviceKey('another-service');
const key = await importJWK(svc.privateJwk, 'EdDSA');
const hash = 'ab'.repeat(32);
const tally = { voteId: 'v-1', entitled: 3, present: 3, issued: 3, returned: 2, majorityBase: 'entitled', required: 2, items: [] } as Tally;

describe('receipts', () => {
  it('sign → verify returns { voteId, ballotHash }', async () => {
    const jws = await signReceipt({ voteId: 'v-1', ballotHash: hash }, key, svc.kid);
    expect(await verifyReceipt(jws, svc.jwks)).toEqual({ voteId: 'v-1', ballotHash: hash });
  });

  it('the payload is canonical JSON of exactly voteId and ballotHash', () => {
    expect(new TextDecoder().decode(receiptPayload('v-1', hash))).toBe(`{"ballotHash":"${hash}","voteId":"v-1"}`);
  });

  it('is deterministic (Ed25519): the same ballot gets the same receipt', async () => {
    expect(await signReceipt({ voteId: 'v-1', ballotHash: hash }, key, svc.kid)).toBe(await signReceipt({ voteId: 'v-1', ballotHash: hash }, key, svc.kid));
  });

  it('when signed by another key / throws invalid_signature', async () => {
    const jws = await signReceipt({ voteId: 'v-1', ballotHash: hash }, key, svc.kid);
    expect(await protocolErrorCodeAsync(verifyReceipt(jws, other.jwks))).toBe('invalid_signature');
  });

  it('when a tally signature is presented as a receipt / throws invalid_signature', async () => {
    const jws = await signCanonical({ voteId: 'v-1', ballotHash: hash }, key, svc.kid, TALLY_TYP);
    expect(await protocolErrorCodeAsync(verifyReceipt(jws, svc.jwks))).toBe('invalid_signature');
  });

  it('when the header names an HMAC algorithm / throws invalid_signature', async () => {
    const jws = await new CompactSign(canonicalBytes({ voteId: 'v-1', ballotHash: hash }))
      .setProtectedHeader({ alg: 'HS256', typ: 'piaojue-receipt+jws' })
      .sign(new Uint8Array(32));
    expect(await protocolErrorCodeAsync(verifyReceipt(jws, svc.jwks))).toBe('invalid_signature');
  });

  it('when the payload is not canonical JSON / throws invalid_signature', async () => {
    const jws = await new CompactSign(new TextEncoder().encode(`{"voteId":"v-1","ballotHash":"${hash}"}`))
      .setProtectedHeader({ alg: 'EdDSA', kid: svc.kid, typ: 'piaojue-receipt+jws' })
      .sign(key);
    expect(await protocolErrorCodeAsync(verifyReceipt(jws, svc.jwks))).toBe('invalid_signature');
  });

  it('when the receipt is not a string / throws invalid_signature', async () => {
    expect(await protocolErrorCodeAsync(verifyReceipt(42, svc.jwks))).toBe('invalid_signature');
  });
});

describe('tally signatures', () => {
  it('verify against the published tally', async () => {
    const jws = await signTally(tally, key, svc.kid);
    await expect(verifyTallySignature(jws, svc.jwks, structuredClone(tally))).resolves.toBeUndefined();
  });

  it('when the published tally differs from the signed one / throws invalid_signature', async () => {
    const jws = await signTally(tally, key, svc.kid);
    expect(await protocolErrorCodeAsync(verifyTallySignature(jws, svc.jwks, { ...tally, returned: 3 }))).toBe('invalid_signature');
  });

  it('when a receipt is presented as a tally signature / throws invalid_signature', async () => {
    const jws = await signReceipt({ voteId: 'v-1', ballotHash: hash }, key, svc.kid);
    expect(await protocolErrorCodeAsync(verifyTallySignature(jws, svc.jwks, { voteId: 'v-1', ballotHash: hash }))).toBe('invalid_signature');
  });
});
