// Check `issuances` alone, with an accelerator that answers for the points and signatures:
// order, presence, the device's enrolment and revocation, the blinded points, the signatures.
import { describe, expect, it } from 'vitest';
import type { ChainEntry, Issuance } from '../../src/protocol/chain.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { checkIssuances } from '../../src/protocol/verify/issuances.ts';
import { entry } from '../helpers/verify-entries.ts';

const device = { alg: 'Ed25519' as const, key: toBase64url(new Uint8Array(32)) };
const enrolled = (seq: number, memberId: string, fingerprint: string) => entry(seq, 'device.enrolled', { memberId, device, fingerprint });
const point = (n: number) => toBase64url(new Uint8Array(48).fill(n));
const issuance = (memberId: string, fingerprint: string, n = memberId.length + memberId.charCodeAt(memberId.length - 1)): Issuance => ({
  memberId,
  blindedPoint: point(n),
  deviceSignature: 'sig',
  deviceFingerprint: fingerprint,
});
const chain: ChainEntry[] = [enrolled(0, 'm-1', 'f1'), enrolled(1, 'm-2', 'f2')];

function check(issuances: Issuance[], options: { entries?: ChainEntry[]; version?: 1 | 2; badPoints?: number[]; signatures?: boolean } = {}) {
  const accelerator = {
    invalidG1Points: () => Promise.resolve(options.badPoints ?? []),
    deviceSignatures: (checks: readonly unknown[]) => Promise.resolve(checks.map(() => options.signatures ?? true)),
  };
  return checkIssuances(
    {
      entries: options.entries ?? chain,
      voteId: 'v-1',
      version: options.version ?? 2,
      created: { seq: 5 },
      closed: { seq: 9 },
      issuances,
      present: new Set(['m-1', 'm-2']),
    },
    { accelerator: accelerator as never, progress: () => undefined },
  );
}

describe('check issuances', () => {
  it('passes one issuance per present member, each by their enrolled device', async () => {
    expect(await check([issuance('m-1', 'f1'), issuance('m-2', 'f2')])).toMatchObject({ ok: true });
  });
  it('when issuances are out of member order / fails with issuance_order', async () => {
    expect(await check([issuance('m-2', 'f2'), issuance('m-1', 'f1')])).toMatchObject({ ok: false, code: 'issuance_order' });
  });
  it('when a token went to an absent member / fails with issuance_member_absent', async () => {
    expect(await check([issuance('m-3', 'f1')])).toMatchObject({ ok: false, code: 'issuance_member_absent' });
  });
  it('when the device is another member’s / fails with issuance_device_unknown', async () => {
    expect(await check([issuance('m-1', 'f2')])).toMatchObject({ ok: false, code: 'issuance_device_unknown' });
  });
  it('when the device was revoked before the vote / fails with issuance_device_revoked', async () => {
    const entries = [...chain, entry(2, 'device.revoked', { memberId: 'm-1', fingerprint: 'f1' })];
    expect(await check([issuance('m-1', 'f1')], { entries })).toMatchObject({ ok: false, code: 'issuance_device_revoked' });
  });
  it('when a version 2 device was enrolled after the vote was created / fails with issuance_device_late', async () => {
    const entries = [chain[0]!, enrolled(7, 'm-2', 'f2')];
    expect(await check([issuance('m-2', 'f2')], { entries })).toMatchObject({ ok: false, code: 'issuance_device_late' });
    expect(await check([issuance('m-2', 'f2')], { entries, version: 1 })).toMatchObject({ ok: true });
  });
  it('when two issuances carry the same blinded point / fails with issuance_point_reused', async () => {
    expect(await check([issuance('m-1', 'f1', 7), issuance('m-2', 'f2', 7)])).toMatchObject({ ok: false, code: 'issuance_point_reused' });
  });
  it('when a blinded point is not a valid G1 point / fails with issuance_point_invalid', async () => {
    expect(await check([issuance('m-1', 'f1'), issuance('m-2', 'f2')], { badPoints: [1] })).toMatchObject({
      ok: false,
      code: 'issuance_point_invalid',
      detail: 'issuance 1 (m-2): the blinded point is not a valid G1 point',
    });
  });
  it('when a device signature does not verify / fails with issuance_signature_invalid', async () => {
    expect(await check([issuance('m-1', 'f1')], { signatures: false })).toMatchObject({ ok: false, code: 'issuance_signature_invalid' });
  });
});
