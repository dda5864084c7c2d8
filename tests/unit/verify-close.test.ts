// Checks `confirmations` and `countersignatures` (version 2) alone, with a verifier that
// answers for the signatures.
import { describe, expect, it } from 'vitest';
import type { AnyVoteDefinition } from '../../src/protocol/ballot.ts';
import type { ChainEntry, Issuance } from '../../src/protocol/chain.ts';
import type { MemberSignature } from '../../src/protocol/close.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { checkConfirmations, checkCountersignatures } from '../../src/protocol/verify/close.ts';
import { definitionWith, item } from '../helpers/protocol-ballots.ts';
import { entry } from '../helpers/verify-entries.ts';

const def: AnyVoteDefinition = { ...definitionWith([item('i-1', 1, ['a', 'b'])]), version: 2, runoffOf: null };
const device = { alg: 'Ed25519' as const, key: toBase64url(new Uint8Array(32)) };
const devices: ChainEntry[] = [
  entry(0, 'device.enrolled', { memberId: 'm-1', device, fingerprint: 'f1' }),
  entry(1, 'device.enrolled', { memberId: 'm-2', device, fingerprint: 'f2' }),
];
const attendance = entry(2, 'attendance.recorded', { meetingId: 'mt-1', present: ['m-1', 'm-2'], entitled: 2 });
const issuances: Issuance[] = [{ memberId: 'm-1', deviceFingerprint: 'f1', blindedPoint: 'p', deviceSignature: 's' }];
const sig = (memberId: string, deviceFingerprint: string): MemberSignature => ({ memberId, deviceFingerprint, signature: 'x' });
const close = (body: Partial<Extract<ChainEntry, { kind: 'vote.closed' }>['body']>) =>
  entry(9, 'vote.closed', {
    voteId: 'v-1',
    issuances,
    ballots: [],
    tally: {} as never,
    tallySignature: '',
    by: 'p-sec',
    confirmations: [sig('m-1', 'f1')],
    decision: null,
    countersignatures: [sig('m-2', 'f2')],
    ...body,
  });
const ctx = (
  closed: ReturnType<typeof close>,
  entries: ChainEntry[] = [...devices, attendance, entry(3, 'inspectors.designated', { meetingId: 'mt-1', inspectors: ['m-2'], by: 'p-sec' })],
  verified = true,
) => ({
  entries,
  definition: def,
  closed,
  attendance,
  verify: (checks: readonly unknown[]) => Promise.resolve(checks.map(() => verified)),
});

describe('check confirmations', () => {
  it('passes one confirmation per ballot by the device that asked for the token', async () => {
    expect(await checkConfirmations(ctx(close({})), issuances, 1)).toMatchObject({ ok: true });
  });
  it('when the close carries no confirmations / fails with record_malformed', async () => {
    expect(await checkConfirmations(ctx(close({ confirmations: undefined })), issuances, 1)).toMatchObject({ ok: false, code: 'record_malformed' });
  });
  it('when a member without a token confirmed / fails with confirmation_invalid', async () => {
    expect(await checkConfirmations(ctx(close({ confirmations: [sig('m-2', 'f2')] })), issuances, 1)).toMatchObject({
      ok: false,
      code: 'confirmation_invalid',
    });
  });
  it('when a confirmation signature does not verify / fails with confirmation_invalid', async () => {
    expect(await checkConfirmations(ctx(close({}), undefined, false), issuances, 1)).toMatchObject({ ok: false, code: 'confirmation_invalid' });
  });
  it('when more ballots than confirmations and no decision / fails with confirmations_missing', async () => {
    expect(await checkConfirmations(ctx(close({})), issuances, 2)).toMatchObject({ ok: false, code: 'confirmations_missing' });
  });
  it('when the decision names another count than the shortfall / fails with decision_invalid', async () => {
    expect(await checkConfirmations(ctx(close({ decision: { unconfirmed: 3, reason: '断网', by: 'p-sec' } })), issuances, 2)).toMatchObject({
      ok: false,
      code: 'decision_invalid',
    });
  });
});

describe('check countersignatures', () => {
  it('passes when every designated inspector countersigned', async () => {
    expect(await checkCountersignatures(ctx(close({})))).toMatchObject({ ok: true });
  });
  it('when no inspectors were designated / fails with inspectors_missing', async () => {
    expect(await checkCountersignatures(ctx(close({}), [...devices, attendance]))).toMatchObject({ ok: false, code: 'inspectors_missing' });
  });
  it('when someone not designated countersigned / fails with countersignature_invalid', async () => {
    expect(await checkCountersignatures(ctx(close({ countersignatures: [sig('m-1', 'f1')] })))).toMatchObject({ ok: false, code: 'countersignature_invalid' });
  });
  it('when a designated inspector did not countersign / fails with countersignatures_missing', async () => {
    expect(await checkCountersignatures(ctx(close({ countersignatures: [] })))).toMatchObject({ ok: false, code: 'countersignatures_missing' });
  });
});
