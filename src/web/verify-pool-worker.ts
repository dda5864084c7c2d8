// One worker of the browser verifier's pool (verify-pool.ts): it answers the verifier worker's
// chunk tasks with the pure functions the in-place accelerator runs — tokenBatchSums over a chunk
// of ballots (the verifier drew the coefficients), verifyDeviceSignatures over a chunk of
// issuances or ballot signatures, invalidG1Points over a chunk of blinded points — and reports
// its progress as it goes.
import { verifyDeviceSignatures, type DeviceSignatureCheck } from '../protocol/device-key.ts';
import { tokenBatchSums, type TokenItem } from '../protocol/tokens.ts';
import { invalidG1Points } from '../protocol/verify/issuances.ts';
import { randomBytes } from '../client/random.ts';
import type { PoolReply, PoolRequest } from './verify-pool.ts';

/** Items between two progress messages. */
const PROGRESS_EVERY = 25;

const scope = self as unknown as { onmessage: ((ev: MessageEvent<PoolRequest>) => void) | null; postMessage(m: PoolReply): void };

function answer(req: PoolRequest): unknown {
  const progress = (done: number, total: number) => {
    if (req.progress && (done % PROGRESS_EVERY === 0 || done === total)) scope.postMessage({ id: req.id, progress: done });
  };
  switch (req.op) {
    case 'tokens': {
      const [items, coefficients] = req.args as [TokenItem[], string[]];
      return tokenBatchSums(
        items,
        coefficients.map((c) => BigInt(`0x${c}`)),
        { onProgress: progress },
      );
    }
    case 'devices': {
      const [checks] = req.args as [DeviceSignatureCheck[]];
      const result = verifyDeviceSignatures(checks, randomBytes);
      progress(checks.length, checks.length);
      return result;
    }
    case 'points':
      return invalidG1Points((req.args as [Uint8Array[]])[0]);
  }
}

scope.onmessage = (ev) => {
  const req = ev.data;
  try {
    scope.postMessage({ id: req.id, result: answer(req) });
  } catch (e) {
    scope.postMessage({ id: req.id, failure: (e as Error)?.message ?? String(e) });
  }
};
