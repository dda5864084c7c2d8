// Part of check `issuances`: the blinded points themselves. Each is decoded strictly, as the
// service decodes it before signing (48 bytes, canonical, on the curve, in the subgroup, not the
// identity), and no point appears twice: a record cannot list a point the service would have
// refused, nor count one request twice.
import type { Issuance } from '../chain.ts';
import { fromBase64url } from '../encoding.ts';
import { decodeG1 } from '../tokens.ts';
import type { VerifyAccelerator } from '../verifier.ts';
import { fail, pass, type Outcome } from './outcome.ts';

/** Indices of the points that fail decodeG1 (the in-place default of the accelerator's method). */
export function invalidG1Points(points: readonly Uint8Array[]): number[] {
  const bad: number[] = [];
  points.forEach((p, i) => {
    try {
      decodeG1(p, 'blindedPoint');
    } catch {
      bad.push(i);
    }
  });
  return bad;
}

export async function checkBlindedPoints(issuances: readonly Issuance[], accelerator: VerifyAccelerator): Promise<Outcome> {
  const first = new Map<string, number>();
  for (const [i, iss] of issuances.entries()) {
    const seen = first.get(iss.blindedPoint);
    if (seen !== undefined) return fail('issuance_point_reused', `issuances ${seen} and ${i} carry the same blinded point`, `票证发放记录 #${seen} 与 #${i} 使用同一盲化点`);
    first.set(iss.blindedPoint, i);
  }
  // parseEntry has checked that each is 48 bytes of canonical base64url.
  const points = issuances.map((iss) => fromBase64url(iss.blindedPoint));
  const bad = accelerator.invalidG1Points ? await accelerator.invalidG1Points(points) : invalidG1Points(points);
  if (bad.length > 0) return fail('issuance_point_invalid', `issuance ${bad[0]} (${issuances[bad[0]!]?.memberId}): the blinded point is not a valid G1 point`, `票证发放记录 #${bad[0]}（${issuances[bad[0]!]?.memberId}）：盲化点不是有效的 G1 点`);
  return pass(`${issuances.length} distinct, valid blinded points`, `${issuances.length} 个互不相同的有效盲化点`);
}
