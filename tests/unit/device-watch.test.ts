// Which devices the member page raises the alarm for.
import { describe, expect, it } from 'vitest';
import { newDevices } from '../../src/web/device-watch.ts';
import type { Device } from '../../src/web/types.ts';

const device = (id: string, enrolledAt: string, fingerprint = `f-${id}`): Device => ({
  id,
  personId: 'p',
  alg: 'ES256',
  publicKey: 'k',
  fingerprint,
  label: null,
  enrolledAt,
  revokedAt: null,
});

describe('the new-device alarm', () => {
  const older = device('old', '2026-01-01T00:00:00.000Z');
  const me = device('me', '2026-02-01T00:00:00.000Z');
  const later = device('later', '2026-03-01T00:00:00.000Z');

  it('names a device enrolled in the member’s name after this one', () => {
    expect(newDevices([older, me, later], 'me', new Set())).toEqual([later]);
  });

  it('stays silent about devices enrolled before this one, and about acknowledged ones', () => {
    expect(newDevices([older, me], 'me', new Set())).toEqual([]);
    expect(newDevices([older, me, later], 'me', new Set(['f-later']))).toEqual([]);
  });

  it('stays silent when this device is not in the list (signed out, revoked elsewhere)', () => {
    expect(newDevices([older, later], 'me', new Set())).toEqual([]);
  });
});
