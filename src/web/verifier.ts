// Starting the browser's verifier (verify-worker.ts) from a page: the observer's and the
// inspector's phone. The page names the hashed bundles of the verifier worker and of its pool's
// workers in meta tags (scripts/build.mjs fills them in).
import type { VerifyRequest } from './verify-worker.ts';

function assetUrl(name: string): string | undefined {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content || undefined;
}

/** The verifier worker, started. */
export function startVerifier(): Worker {
  const url = assetUrl('piaojue-verify-worker');
  if (!url) throw new Error('verifier worker not found');
  return new Worker(url, { type: 'module', name: 'piaojue-verifier' });
}

/**
 * The request's pool: its workers' bundle, and `workers`, an exact number of chunks to split the
 * work into (else the verifier picks it from the record's size and the device's cores). Without
 * the bundle (a page built before it), none: the verifier does it all in its own worker.
 */
export function verifierPool(workers?: number): Pick<VerifyRequest, 'pool'> {
  const url = assetUrl('piaojue-verify-pool-worker');
  return url ? { pool: { url, ...(workers ? { workers } : {}) } } : {};
}
