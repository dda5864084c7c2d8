// Check `tallySignature`: the service's key (from the caller's JWKS, never the record) signed
// the published tally.
import type { JSONWebKeySet } from 'jose';
import { reasonZh } from '../errors.ts';
import { verifyTallySignature } from '../receipt.ts';
import { fail, pass, type Outcome } from './outcome.ts';

export async function checkTallySignature(vote: { tally: unknown; tallySignature: unknown }, jwks: JSONWebKeySet): Promise<Outcome> {
  try {
    await verifyTallySignature(vote.tallySignature, jwks, vote.tally);
  } catch (e) {
    return fail('tally_signature_invalid', (e as Error).message, `计票结果签名无效：${reasonZh(e)}`);
  }
  return pass('EdDSA signature by the service key over the published tally', '服务密钥对公布的计票结果所作的 EdDSA 签名有效');
}
