// Check `issuances`: issuances are sorted, one per member, each to a present member and asked
// for by that member's device, enrolled (from version 2: before the vote) and not revoked
// before the vote; the device signed the request. The blinded points themselves are decoded
// strictly, as the service decodes them before signing (48 bytes, canonical, on the curve, in
// the subgroup, not the identity), and no point appears twice: a record cannot list a point
// the service would have refused, nor count one request twice.
import { compareStrings, type ChainEntry, type Issuance } from '../chain.ts';
import { tokenRequestMessage, type DevicePublicKey, type DeviceSignatureCheck } from '../device-key.ts';
import { fromBase64url } from '../encoding.ts';
import { decodeG1, type G1Decoder } from '../tokens.ts';
import type { ProtocolVersion } from '../version.ts';
import type { VerifyAccelerator } from './accelerator.ts';
import { fail, pass, type Outcome } from './outcome.ts';
import type { VerifyEnv } from './state.ts';

export async function checkIssuances(
  vote: {
    entries: readonly ChainEntry[];
    voteId: string;
    version: ProtocolVersion;
    created: Pick<ChainEntry, 'seq'>;
    closed: Pick<ChainEntry, 'seq'>;
    issuances: readonly Issuance[];
    present: ReadonlySet<string>;
  },
  env: Pick<VerifyEnv, 'accelerator' | 'progress'>,
): Promise<Outcome> {
  const { issuances, created, closed } = vote;
  for (let i = 1; i < issuances.length; i++) {
    if (compareStrings(issuances[i - 1]!.memberId, issuances[i]!.memberId) >= 0) {
      return fail(
        'issuance_order',
        `issuance ${i} (${issuances[i]!.memberId}) is out of order or repeats a member`,
        `票证发放记录 #${i}（${issuances[i]!.memberId}）顺序不对或委员重复`,
      );
    }
  }
  const devices = new Map<string, { device: DevicePublicKey; memberId: string; seq: number }[]>();
  const revoked = new Map<string, number>();
  for (const e of vote.entries) {
    if (e.seq >= closed.seq) continue;
    if (e.kind === 'device.enrolled')
      devices.set(e.body.fingerprint, [...(devices.get(e.body.fingerprint) ?? []), { device: e.body.device, memberId: e.body.memberId, seq: e.seq }]);
    if (e.kind === 'device.revoked' && !revoked.has(`${e.body.memberId}/${e.body.fingerprint}`)) revoked.set(`${e.body.memberId}/${e.body.fingerprint}`, e.seq);
  }
  const signatures: DeviceSignatureCheck[] = [];
  for (const [i, iss] of issuances.entries()) {
    if (!vote.present.has(iss.memberId))
      return fail('issuance_member_absent', `issuance ${i}: ${iss.memberId} was not recorded present`, `票证发放记录 #${i}：${iss.memberId} 未被记为出席`);
    const enrolled = (devices.get(iss.deviceFingerprint) ?? []).find((d) => d.memberId === iss.memberId);
    if (!enrolled)
      return fail(
        'issuance_device_unknown',
        `issuance ${i}: device ${iss.deviceFingerprint.slice(0, 16)}… is not enrolled for ${iss.memberId}`,
        `票证发放记录 #${i}：设备 ${iss.deviceFingerprint.slice(0, 16)}… 不是 ${iss.memberId} 登记的设备`,
      );
    const revokedAt = revoked.get(`${iss.memberId}/${iss.deviceFingerprint}`);
    if (revokedAt !== undefined && revokedAt < created.seq)
      return fail(
        'issuance_device_revoked',
        `issuance ${i}: the device was revoked at seq ${revokedAt}, before the vote`,
        `票证发放记录 #${i}：设备已于序号 ${revokedAt} 撤销，早于本次表决`,
      );
    if (vote.version === 2 && enrolled.seq > created.seq)
      return fail(
        'issuance_device_late',
        `issuance ${i}: the device of ${iss.memberId} was enrolled at seq ${enrolled.seq}, after the vote was created (seq ${created.seq})`,
        `票证发放记录 #${i}：${iss.memberId} 的设备于序号 ${enrolled.seq} 登记，晚于表决创建（序号 ${created.seq}）`,
      );
    signatures.push({ device: enrolled.device, message: tokenRequestMessage(vote.voteId, iss.blindedPoint), signature: iss.deviceSignature });
  }
  const points = await checkBlindedPoints(issuances, env.accelerator);
  if (!points.ok) return points;
  const results = await env.accelerator.deviceSignatures(signatures, env.progress('issuances'));
  const bad = results.findIndex((ok) => ok !== true);
  if (bad >= 0 || results.length !== signatures.length) {
    const i = bad >= 0 ? bad : results.length;
    return fail(
      'issuance_signature_invalid',
      `issuance ${i}: the device signature of ${issuances[i]?.memberId} does not verify`,
      `票证发放记录 #${i}：${issuances[i]?.memberId} 的设备签名无效`,
    );
  }
  return pass(`${issuances.length} tokens, each requested by a present member's enrolled device`, `${issuances.length} 张票证，每张均由出席委员的登记设备申领`);
}

/** Indices of the points that fail decodeG1 (the in-place default of the accelerator's method; `decode`: another G1Decoder). */
export function invalidG1Points(points: readonly Uint8Array[], decode: G1Decoder = decodeG1): number[] {
  const bad: number[] = [];
  points.forEach((p, i) => {
    try {
      decode(p, 'blindedPoint');
    } catch {
      bad.push(i);
    }
  });
  return bad;
}

export async function checkBlindedPoints(issuances: readonly Issuance[], accelerator: Pick<VerifyAccelerator, 'invalidG1Points'>): Promise<Outcome> {
  const first = new Map<string, number>();
  for (const [i, iss] of issuances.entries()) {
    const seen = first.get(iss.blindedPoint);
    if (seen !== undefined)
      return fail('issuance_point_reused', `issuances ${seen} and ${i} carry the same blinded point`, `票证发放记录 #${seen} 与 #${i} 使用同一盲化点`);
    first.set(iss.blindedPoint, i);
  }
  // parseEntry has checked that each is 48 bytes of canonical base64url.
  const points = issuances.map((iss) => fromBase64url(iss.blindedPoint));
  const bad = accelerator.invalidG1Points ? await accelerator.invalidG1Points(points) : invalidG1Points(points);
  if (bad.length > 0)
    return fail(
      'issuance_point_invalid',
      `issuance ${bad[0]} (${issuances[bad[0]!]?.memberId}): the blinded point is not a valid G1 point`,
      `票证发放记录 #${bad[0]}（${issuances[bad[0]!]?.memberId}）：盲化点不是有效的 G1 点`,
    );
  return pass(`${issuances.length} distinct, valid blinded points`, `${issuances.length} 个互不相同的有效盲化点`);
}
