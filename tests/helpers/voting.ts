// A member's device in tests, doing what the browser does (src/client/ballots.ts): blind on the
// device, sign the request with the device key, unblind and verify against the pinned key, cast
// anonymously; and the whole version-2 close (src/client/close.ts).
import { randomBytes } from 'node:crypto';
import type { Ballot, Choices, VoteDefinition } from '../../src/protocol/ballot.ts';
import { castBallot as castAnonymously, obtainToken, requestToken } from '../../src/client/ballots.ts';
import { closeAndPublish as closeVote, type CloseOptions as CloseSteps } from '../../src/client/close.ts';
import { buildBallot, type Token } from '../../src/protocol/member-ballot.ts';
import { Api, type Reply, type Session } from './client.ts';

export const rng = (n: number) => new Uint8Array(randomBytes(n));

export { obtainToken, requestToken };

/** Casts as the web client does: the padded canonical body (castBodyText), no credentials. */
export async function cast(url: string, token: Token, choices: Choices): Promise<Reply> {
  return castBallot(url, buildBallot(token, choices));
}

export async function castBallot(url: string, ballot: Ballot): Promise<Reply> {
  return castAnonymously(new Api(url), ballot);
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

export type CloseOptions = CloseSteps<Session>;

/**
 * The whole version-2 close, as the meeting room does it (src/client/close.ts): the secretary
 * closes, each member who cast confirms with the device that took the token, the secretary
 * seals, the inspectors countersign (which publishes). Answers what POST /close answers once
 * the vote is closed.
 */
export async function closeAndPublish(secretary: Session, members: Session[], voteId: string, options: CloseOptions = {}): Promise<Reply> {
  return (await closeVote(secretary, members, voteId, options)).closed;
}
