// A member's device in tests, doing what the browser does: blind on the device, sign the
// request with the device key, unblind and verify against the pinned key, cast anonymously.
import { randomBytes } from 'node:crypto';
import type { Ballot, Choices, VoteDefinition } from '../../src/protocol/ballot.ts';
import { castBodyText } from '../../src/protocol/ballot-v2.ts';
import { versionOf } from '../../src/protocol/version.ts';
import { tokenRequestMessage } from '../../src/protocol/device.ts';
import { confirmationMessage, countersignatureMessage } from '../../src/protocol/close.ts';
import type { ClosingView } from '../../src/votes/close.ts';
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

export interface CloseOptions {
  /** Members whose devices confirm (default: every given member who received a token). */
  confirmers?: Session[];
  /** The inspectors who countersign; designated first when the meeting has none (default: the first two members who received a token, else the first two members). */
  inspectors?: Session[];
  /** Sent with the seal: the reason to publish although some ballots have no confirmation. */
  unconfirmedReason?: string;
}

/**
 * The whole version-2 close, as the meeting room does it: the secretary closes, each member who
 * cast confirms with the device that took the token, the secretary seals, the inspectors
 * countersign (which publishes). Answers what POST /close answers once the vote is closed.
 */
export async function closeAndPublish(secretary: Session, members: Session[], voteId: string, options: CloseOptions = {}): Promise<Reply> {
  const closed = await secretary.api.post(`/v1/votes/${voteId}/close`);
  if (closed.status !== 200) throw new Error(`close refused: ${closed.status} ${JSON.stringify(closed.body)}`);
  if (closed.body.preparedHash === null || closed.body.vote.state === 'closed') return closed;
  let view = (await secretary.api.get(`/v1/votes/${voteId}/closing`)).body as ClosingView;
  const issued = new Set(view.prepared.issuances.map((i) => i.memberId));
  if (view.state === 'confirming') {
    for (const m of options.confirmers ?? members.filter((s) => issued.has(s.personId))) {
      if (view.confirmedBy.includes(m.personId)) continue;
      const r = await m.api.post(`/v1/votes/${voteId}/confirmations`, { deviceSignature: await m.device.sign(confirmationMessage(voteId, view.preparedHash)) });
      if (r.status !== 200) throw new Error(`confirmation refused: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  const meetingId = closed.body.vote.meetingId as string;
  const inspectors = options.inspectors ?? (view.inspectors.length > 0 ? members.filter((m) => view.inspectors.includes(m.personId)) : (members.filter((m) => issued.has(m.personId)).length > 0 ? members.filter((m) => issued.has(m.personId)) : members).slice(0, 2));
  const designated = [...view.inspectors].sort().join();
  if (inspectors.map((i) => i.personId).sort().join() !== designated) {
    const r = await secretary.api.put(`/v1/meetings/${meetingId}/inspectors`, { inspectors: inspectors.map((i) => i.personId) });
    if (r.status !== 200) throw new Error(`designation refused: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const sealed = await secretary.api.post(`/v1/votes/${voteId}/seal`, options.unconfirmedReason ? { unconfirmedReason: options.unconfirmedReason } : {});
  if (sealed.status !== 200) throw new Error(`seal refused: ${sealed.status} ${JSON.stringify(sealed.body)}`);
  view = sealed.body as ClosingView;
  for (const inspector of inspectors) {
    if (view.state === 'closed') break;
    const r = await inspector.api.post(`/v1/votes/${voteId}/countersignatures`, { deviceSignature: await inspector.device.sign(countersignatureMessage(voteId, view.sealHash!)) });
    if (r.status !== 200) throw new Error(`countersignature refused: ${r.status} ${JSON.stringify(r.body)}`);
    view = r.body as ClosingView;
  }
  return secretary.api.post(`/v1/votes/${voteId}/close`);
}
