// A participant's phone at a meeting of participants holding slips (issue 15): spend the slip's
// participation code for a participant credential, then take one blind token per vote —
// blinded on the phone and checked against the pinned vote key exactly as a member's device
// does (ballots.ts, protocol/member-ballot.ts) — and cast on the same anonymous route. Isomorphic.
import type { AnyVoteDefinition } from '../protocol/ballot.ts';
import { createTokenRequest, finishToken, type Token, type TokenRequest } from '../protocol/member-ballot.ts';
import { versionOf } from '../protocol/version.ts';
import { randomBytes } from './random.ts';
import { ApiError, type ApiClient, type Reply } from './http.ts';

export const participantPaths = {
  redeem: '/v1/participant/redeem',
  votes: '/v1/participant/votes',
  tokens: (voteId: string) => `/v1/participant/votes/${voteId}/tokens`,
};

/**
 * Spends the code (no credential sent); a 200 reply carries `{ meetingId, credential, expiresAt }`,
 * else the problem. With the phone's redemption nonce, the same call again after a lost answer
 * gets a credential for the same slip.
 */
export function redeemSlip(api: ApiClient, code: string, nonce?: string): Promise<Reply> {
  return api.as(undefined).request('POST', participantPaths.redeem, nonce === undefined ? { code } : { code, nonce });
}

/** Sends a token request for the slip (a fresh blinding unless `request` is given); `api` carries the participant credential. */
export async function requestSlipToken(
  api: ApiClient,
  definition: AnyVoteDefinition,
  request?: TokenRequest,
): Promise<{ request: TokenRequest; reply: Reply }> {
  const req = request ?? createTokenRequest(definition.voteId, randomBytes, versionOf(definition));
  const reply = await api.request('POST', participantPaths.tokens(definition.voteId), { blindedPoint: req.blindedPoint });
  return { request: req, reply };
}

/** A token for the vote, unblinded and checked against the definition's (pinned) key. */
export async function obtainSlipToken(api: ApiClient, definition: AnyVoteDefinition): Promise<Token> {
  const { request, reply } = await requestSlipToken(api, definition);
  if (reply.status !== 200) throw new ApiError('POST', participantPaths.tokens(definition.voteId), reply.status, reply.body);
  return finishToken(request, (reply.body as { blindSignature: string }).blindSignature, definition.publicKey);
}
