// A member's device in tests, doing what the browser does: blind on the device, sign the
// request with the device key, unblind and verify against the pinned key, cast anonymously.
import { randomBytes } from 'node:crypto';
import type { Ballot, Choices, VoteDefinition } from '../../src/protocol/ballot.ts';
import { castBodyText } from '../../src/protocol/ballot-v2.ts';
import { versionOf } from '../../src/protocol/version.ts';
import { tokenRequestMessage } from '../../src/protocol/device.ts';
import { buildBallot, createTokenRequest, finishToken, type Token, type TokenRequest } from '../../src/protocol/member.ts';
import { Api, type Reply, type Session } from './client.ts';

export const rng = (n: number) => new Uint8Array(randomBytes(n));

export async function requestToken(member: Session, voteId: string, request?: TokenRequest): Promise<{ request: TokenRequest; reply: Reply }> {
  const req = request ?? createTokenRequest(voteId, rng);
  const deviceSignature = await member.device.sign(tokenRequestMessage(voteId, req.blindedPoint));
  const reply = await member.api.post(`/v1/votes/${voteId}/tokens`, { blindedPoint: req.blindedPoint, deviceSignature });
  return { request: req, reply };
}

export async function obtainToken(member: Session, definition: VoteDefinition): Promise<Token> {
  const { request, reply } = await requestToken(member, definition.voteId, createTokenRequest(definition.voteId, rng, versionOf(definition)));
  if (reply.status !== 200) throw new Error(`token refused: ${reply.status} ${JSON.stringify(reply.body)}`);
  return finishToken(request, reply.body.blindSignature, definition.publicKey);
}

/** Casts as the web client does: the padded canonical body (castBodyText), no credentials. */
export async function cast(url: string, token: Token, choices: Choices): Promise<Reply> {
  return castBallot(url, buildBallot(token, choices));
}

export async function castBallot(url: string, ballot: Ballot): Promise<Reply> {
  return new Api(url).req('POST', '/v1/ballots', undefined, { raw: castBodyText(ballot), headers: { 'content-type': 'application/json' } });
}

/** Marks every candidate: `approve` for the listed ids, `disapprove` for the rest. */
export function approveOnly(definition: VoteDefinition, approved: string[]): Choices {
  const choices: Choices = {};
  for (const item of definition.items) {
    choices[item.itemId] = {};
    for (const c of item.candidates) choices[item.itemId]![c.candidateId] = approved.includes(c.name) ? 'approve' : 'disapprove';
  }
  return choices;
}
