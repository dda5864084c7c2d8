// A member's device in a vote: blind the token request on the device, sign it with the device
// key, unblind and check the signature against the pinned vote key, and cast anonymously the
// padded canonical body (docs/PROTOCOL.md). Isomorphic: globalThis.crypto only.
import type { Ballot, VoteDefinition } from '../protocol/ballot.ts';
import { castBodyText } from '../protocol/ballot-v2.ts';
import { tokenRequestMessage } from '../protocol/device-key.ts';
import { createTokenRequest, finishToken, type Token, type TokenRequest } from '../protocol/member-ballot.ts';
import { versionOf } from '../protocol/version.ts';
import type { Participant } from './close.ts';
import { ApiError, type ApiClient, type Reply } from './http.ts';
import { randomBytes } from './random.ts';

/** Sends a token request signed by the member's device (a fresh one unless `request` is given). */
export async function requestToken(member: Participant, voteId: string, request?: TokenRequest): Promise<{ request: TokenRequest; reply: Reply }> {
  const req = request ?? createTokenRequest(voteId, randomBytes);
  const deviceSignature = await member.device.sign(tokenRequestMessage(voteId, req.blindedPoint));
  const reply = await member.api.post(`/v1/votes/${voteId}/tokens`, { blindedPoint: req.blindedPoint, deviceSignature });
  return { request: req, reply };
}

/** A token for the vote `definition` describes, unblinded and checked against its (pinned) key. */
export async function obtainToken(member: Participant, definition: VoteDefinition): Promise<Token> {
  const path = `/v1/votes/${definition.voteId}/tokens`;
  const { request, reply } = await requestToken(member, definition.voteId, createTokenRequest(definition.voteId, randomBytes, versionOf(definition)));
  if (reply.status !== 200) throw new ApiError('POST', path, reply.status, reply.body);
  return finishToken(request, (reply.body as { blindSignature: string }).blindSignature, definition.publicKey);
}

/** Casts as the web client does: the padded canonical body (castBodyText), no credentials. */
export function castBallot(api: ApiClient, ballot: Ballot): Promise<Reply<{ ballotHash: string; receipt: string }>> {
  return api.as(undefined).request('POST', '/v1/ballots', undefined, { raw: castBodyText(ballot), headers: { 'content-type': 'application/json' } });
}
