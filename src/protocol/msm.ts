// Multi-scalar multiplication Σ sᵢ·Pᵢ by Pippenger's bucket method for scalars of a known bit
// length. noble's pippenger always walks the full scalar field (255 bits); batch checks use
// 128-bit coefficients, so walking only 128 bits halves the work. Public scalars only (not
// constant time). Pure and isomorphic.

/** The group operations msm needs (noble's point classes have them). */
export interface GroupPoint<P> {
  add(other: P): P;
  double(): P;
  is0(): boolean;
}

/** Window width for n points (noble's choice: log₂ n − 2 or − 3). */
function windowBits(n: number): number {
  const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  return bits > 12 ? bits - 3 : bits > 4 ? bits - 2 : 2;
}

/**
 * Σ scalars[i]·points[i] with every scalar in [0, 2^bits). Throws RangeError otherwise.
 * `zero` is the identity of the points' group.
 */
export function msm<P extends GroupPoint<P>>(zero: P, points: readonly P[], scalars: readonly bigint[], bits: number): P {
  if (points.length !== scalars.length) throw new RangeError('msm: one scalar per point');
  const limit = 1n << BigInt(bits);
  for (const s of scalars) if (typeof s !== 'bigint' || s < 0n || s >= limit) throw new RangeError(`msm: scalar out of [0, 2^${bits})`);
  if (points.length === 0) return zero;
  const w = windowBits(points.length);
  const mask = (1n << BigInt(w)) - 1n;
  const windows = Math.ceil(bits / w);
  let acc = zero;
  for (let win = windows - 1; win >= 0; win--) {
    if (!acc.is0()) for (let j = 0; j < w; j++) acc = acc.double();
    const shift = BigInt(win * w);
    const buckets = new Array<P | undefined>(1 << w);
    for (let i = 0; i < points.length; i++) {
      const d = Number((scalars[i]! >> shift) & mask);
      if (d === 0) continue;
      const b = buckets[d];
      buckets[d] = b === undefined ? points[i]! : b.add(points[i]!);
    }
    let running = zero;
    let sum = zero;
    for (let d = buckets.length - 1; d >= 1; d--) {
      const b = buckets[d];
      if (b !== undefined) running = running.add(b);
      sum = sum.add(running);
    }
    acc = acc.add(sum);
  }
  return acc;
}
