// Random bytes from the platform's CSPRNG (WebCrypto: the browser's, Node's, a worker's): the one
// helper the device, the verifier worker, the CLI client and the tests draw from. Isomorphic.

/** getRandomValues fills at most 65,536 bytes per call (it throws QuotaExceededError above). */
const RANDOM_CHUNK = 65_536;

/** n random bytes, drawn in chunks: a large record's batch check needs megabytes. */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += RANDOM_CHUNK) crypto.getRandomValues(out.subarray(i, Math.min(n, i + RANDOM_CHUNK)));
  return out;
}
