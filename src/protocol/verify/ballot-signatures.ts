// Check `ballotSignatures` (version 2): each ballot's one-time key signed its marks, so no mark
// was changed after casting. One batch (Ed25519, as for device signatures); a failure names the
// ballot by its hash. The batch starts as soon as the ballots are read (voteState), so that on
// worker threads it runs beside the token batch and the other checks.
import type { Ballot, BallotV2 } from '../ballot.ts';
import { ballotSignatureCheck } from '../ballot-v2.ts';
import type { DeviceSignatureCheck } from '../device-key.ts';
import type { VerifyAccelerator } from './accelerator.ts';
import { fail, pass, type Outcome } from './outcome.ts';
import { settle } from './token-signatures.ts';

/** The ballot-signature batch under way: which ballot each check is, and the results (never rejects). */
export interface BallotSignatureWork {
  signed(): readonly { i: number; check: DeviceSignatureCheck }[];
  results: Promise<{ ok: true; value: boolean[] } | { ok: false; error: unknown }>;
}

export function startBallotSignatureWork(
  wellFormed: readonly (Ballot | null)[],
  accelerator: Pick<VerifyAccelerator, 'deviceSignatures'>,
): BallotSignatureWork {
  let signed: { i: number; check: DeviceSignatureCheck }[] = [];
  const results = settle(() => {
    signed = wellFormed.flatMap((b, i) => (b ? [{ i, check: ballotSignatureCheck(b as BallotV2) }] : []));
    return accelerator.deviceSignatures(signed.map((s) => s.check));
  });
  return { signed: () => signed, results };
}

export async function checkBallotSignatures(
  vote: { ballots: readonly unknown[]; wellFormed: readonly (Ballot | null)[]; hashes: readonly string[]; ballotSignatures?: BallotSignatureWork },
  env: { accelerator: Pick<VerifyAccelerator, 'deviceSignatures'> },
): Promise<Outcome> {
  const work = vote.ballotSignatures ?? startBallotSignatureWork(vote.wellFormed, env.accelerator);
  const settled = await work.results;
  if (!settled.ok) throw settled.error;
  const results = settled.value;
  const signed = work.signed();
  const bad = signed.filter((_, k) => results[k] !== true).map((s) => s.i);
  if (bad.length > 0) {
    const named = bad.slice(0, 20).map((i) => vote.hashes[i] || `#${i}`);
    return fail(
      'ballot_signature_invalid',
      `ballot${bad.length > 1 ? 's' : ''} ${named.join(', ')}${bad.length > 20 ? ` … (${bad.length})` : ''}: the ballot signature over the marks does not verify under its ballot public key`,
      `选票 ${named.join('、')}${bad.length > 20 ? ` …（共 ${bad.length} 张）` : ''}：划票内容的签名在其选票公钥下无效`,
    );
  }
  if (signed.length !== vote.ballots.length)
    return fail('not_checked', 'not every ballot checked: a ballot is malformed', '未能检查全部选票：有选票格式不正确');
  return pass(
    `${vote.ballots.length} ballot signatures verify (batch): no mark was changed after casting`,
    `${vote.ballots.length} 个选票签名有效（批量验证）：投出后划票内容未被改动`,
  );
}
