// The optional native backend of the Node verifier and of the service's cast checks: strict G1
// decoding by blst (the @chainsafe/blst optional dependency, a prebuilt binary from npm), for the
// per-ballot work that dominates verifying a large record — every token signature and every slip
// token's blinded point is decompressed and checked to be in the prime-order subgroup, which
// costs milliseconds per point in pure JavaScript. Only that step is native: the decoder accepts
// exactly the bytes decodeG1 accepts (blst's checked decompression with its subgroup and identity
// checks, and the same canonical re-encoding comparison), and gives the same point, read back
// into @noble's point class from blst's uncompressed encoding. Everything else (hash_to_curve,
// the sums, the pairing) stays @noble's. Without the package, or with PIAOJUE_NATIVE_BLS=0, the
// verifier runs the pure path, and the tests run on both.
//
// Node only (the CLI's verifier and the service's crypto workers): src/protocol never loads it.
import { createRequire } from 'node:module';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { abytes, ProtocolError } from '../protocol/errors.ts';
import { bytesToNumberBE } from '../protocol/encoding.ts';
import { G1_LENGTH, type G1Decoder } from '../protocol/tokens.ts';

/** What the verifier uses of @chainsafe/blst (a G1 point is its PublicKey; signatures there are G2). */
interface BlstG1 {
  PublicKey: {
    fromBytes(bytes: Uint8Array, pkValidate?: boolean): { toBytes(compress?: boolean): Uint8Array };
  };
}

let loaded: { decoder: G1Decoder | null } | undefined;

/** Whether the environment turns the native backend off (PIAOJUE_NATIVE_BLS=0). */
function disabled(): boolean {
  return process.env.PIAOJUE_NATIVE_BLS === '0';
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** decodeG1 on blst: the same accepted bytes, the same errors' code, the same points. */
export function blstG1Decoder(blst: BlstG1): G1Decoder {
  const G1 = bls12_381.G1.Point;
  return (bytes, field) => {
    const invalid = (en: string, zh: string) => new ProtocolError('invalid_point', `${field} ${en}`, { field, zh: `${field} ${zh}` });
    abytes(bytes, G1_LENGTH, field);
    let point: { toBytes(compress?: boolean): Uint8Array };
    try {
      // Checked decompression (x < p, on the curve), then the identity and subgroup checks.
      point = blst.PublicKey.fromBytes(bytes, true);
    } catch {
      throw invalid('is not a valid compressed G1 subgroup point', '不是有效的压缩 G1 子群点');
    }
    // One point, one spelling, exactly as decodeG1 asks.
    if (!equalBytes(point.toBytes(true), bytes)) throw invalid('is not canonically encoded', '的编码不规范');
    const xy = point.toBytes(false); // x ‖ y, big-endian, no flag bits for a point other than the identity
    return G1.fromAffine({ x: bytesToNumberBE(xy.subarray(0, G1_LENGTH)), y: bytesToNumberBE(xy.subarray(G1_LENGTH)) });
  };
}

/**
 * The native strict G1 decoder, or null when @chainsafe/blst is not installed (it is an optional
 * dependency), cannot load on this platform, or PIAOJUE_NATIVE_BLS=0. Loaded once per thread.
 */
export function nativeG1Decoder(): G1Decoder | null {
  if (disabled()) return null;
  if (!loaded) {
    let decoder: G1Decoder | null;
    try {
      decoder = blstG1Decoder(createRequire(import.meta.url)('@chainsafe/blst') as BlstG1);
    } catch {
      decoder = null;
    }
    loaded = { decoder };
  }
  return loaded.decoder;
}
