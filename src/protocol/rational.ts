// Exact rational arithmetic for the counting rules of 民主推荐 and 民主测评: every rate is a
// fraction of integers, every comparison is done by cross-multiplying, and a percentage is text
// rounded half up from the exact value. No floating point anywhere. Pure.
import { ProtocolError } from './errors.ts';

/** A fraction of two non-negative integers, as numbers (counts of ballots: always safe integers). */
export interface Ratio {
  num: number;
  den: number;
}

/** A reduced fraction as decimal strings (the composite's denominators can exceed 2^53). */
export interface BigRatio {
  num: string;
  den: string;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/** num/den in lowest terms (den > 0; 0 is 0/1). */
export function reduce(num: bigint, den: bigint): { num: bigint; den: bigint } {
  if (den <= 0n || num < 0n) throw new ProtocolError('invalid_definition', 'a fraction needs num ≥ 0 and den > 0', { zh: '分数的分子须非负、分母须为正' });
  if (num === 0n) return { num: 0n, den: 1n };
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/** The reduced fraction as strings, for the record. */
export function bigRatio(num: bigint, den: bigint): BigRatio {
  const r = reduce(num, den);
  return { num: r.num.toString(), den: r.den.toString() };
}

/**
 * num/den × 100 as text with `decimals` decimals, rounded half up (四舍五入) from the exact value:
 * 2/3 → "66.67", 1/8 → "12.50", 1/200 → "0.50", 1/400 → "0.25", 1/800 → "0.13" (0.125 rounds up).
 */
export function percentText(num: bigint | number, den: bigint | number, decimals = 2): string {
  return scaledText(BigInt(num) * 100n, BigInt(den), decimals);
}

/** num/den as text with `decimals` decimals, rounded half up (for scores on a 0–100 scale). */
export function decimalText(num: bigint | number, den: bigint | number, decimals = 2): string {
  return scaledText(BigInt(num), BigInt(den), decimals);
}

function scaledText(num: bigint, den: bigint, decimals: number): string {
  if (den <= 0n || num < 0n) throw new ProtocolError('invalid_definition', 'a percentage needs num ≥ 0 and den > 0', { zh: '百分比的分子须非负、分母须为正' });
  const scale = 10n ** BigInt(decimals);
  // round(x) half up = ⌊(2·num·scale + den) / (2·den)⌋
  const q = (2n * num * scale + den) / (2n * den);
  if (decimals === 0) return q.toString();
  const whole = q / scale;
  const frac = (q % scale).toString().padStart(decimals, '0');
  return `${whole}.${frac}`;
}
