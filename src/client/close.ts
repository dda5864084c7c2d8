// The version-2 close as the meeting room runs it (docs/PROTOCOL.md): the secretary closes
// (the service prepares the close), each member who took a token confirms it with that device,
// the secretary names the inspectors (监票人) if need be and seals, and the inspectors
// countersign — the last countersignature publishes the record. Each step is a function of
// its own (the benchmark times them one by one); closeAndPublish runs them all.
import { confirmationMessage, countersignatureMessage } from '../protocol/close.ts';
import type { CloseAnswer, ClosingView } from '../votes/close.ts';
import type { DeviceSigner } from './device.ts';
import { ApiError, type ApiClient, type Reply } from './http.ts';

/** Who takes part in the close: a signed-in person and their device. */
export interface Participant {
  personId: string;
  device: DeviceSigner;
  api: ApiClient;
}

export const closePaths = {
  close: (voteId: string) => `/v1/votes/${voteId}/close`,
  closing: (voteId: string) => `/v1/votes/${voteId}/closing`,
  confirmations: (voteId: string) => `/v1/votes/${voteId}/confirmations`,
  seal: (voteId: string) => `/v1/votes/${voteId}/seal`,
  countersignatures: (voteId: string) => `/v1/votes/${voteId}/countersignatures`,
  inspectors: (meetingId: string) => `/v1/meetings/${meetingId}/inspectors`,
};

function ok<T>(reply: Reply<T>, method: string, path: string): Reply<T> {
  if (reply.status !== 200) throw new ApiError(method, path, reply.status, reply.body);
  return reply;
}

/** 1. The secretary closes: version 2 prepares the close (preparedHash); version 1 publishes at once (null). */
export async function prepareClose(secretary: Participant, voteId: string): Promise<Reply<CloseAnswer>> {
  return ok(await secretary.api.post<CloseAnswer>(closePaths.close(voteId)), 'POST', closePaths.close(voteId));
}

/** What the secretary's page reads while the close is under way. */
export async function closingView(secretary: Participant, voteId: string): Promise<ClosingView> {
  return ok(await secretary.api.get<ClosingView>(closePaths.closing(voteId)), 'GET', closePaths.closing(voteId)).body;
}

/** The body of a member's confirmation: the device's signature over the prepared close. */
export async function confirmationBody(device: DeviceSigner, voteId: string, preparedHash: string): Promise<{ deviceSignature: string }> {
  return { deviceSignature: await device.sign(confirmationMessage(voteId, preparedHash)) };
}

/** 2. A member confirms the prepared close with the device that took the token. */
export async function confirm(member: Participant, voteId: string, preparedHash: string): Promise<Reply<ClosingView>> {
  const path = closePaths.confirmations(voteId);
  return ok(await member.api.post<ClosingView>(path, await confirmationBody(member.device, voteId, preparedHash)), 'POST', path);
}

/** The secretary names the meeting's inspectors. */
export async function designateInspectors(secretary: Participant, meetingId: string, inspectors: string[]): Promise<Reply> {
  const path = closePaths.inspectors(meetingId);
  return ok(await secretary.api.put(path, { inspectors }), 'PUT', path);
}

/** 3. The secretary seals the confirmations (with the reason, when some ballots have none). */
export async function seal(secretary: Participant, voteId: string, unconfirmedReason?: string): Promise<Reply<ClosingView>> {
  const path = closePaths.seal(voteId);
  return ok(await secretary.api.post<ClosingView>(path, unconfirmedReason ? { unconfirmedReason } : {}), 'POST', path);
}

/** 4. An inspector countersigns the sealed close; the last one publishes it. */
export async function countersign(inspector: Participant, voteId: string, sealHash: string): Promise<Reply<ClosingView>> {
  const path = closePaths.countersignatures(voteId);
  const body = { deviceSignature: await inspector.device.sign(countersignatureMessage(voteId, sealHash)) };
  return ok(await inspector.api.post<ClosingView>(path, body), 'POST', path);
}

export interface CloseOptions<P extends Participant> {
  /** Members whose devices confirm (default: every given member who received a token). */
  confirmers?: P[];
  /**
   * The inspectors who countersign; designated first unless the meeting has exactly these
   * (default: the meeting's inspectors if it has some, else the first two members who
   * received a token, else the first two members).
   */
  inspectors?: P[];
  /** Sent with the seal: the reason to publish although some ballots have no confirmation. */
  unconfirmedReason?: string;
}

export interface ClosedVote {
  /** What POST /close answers once the vote is closed (vote, tally, tally signature). */
  closed: Reply<CloseAnswer>;
  /** Version 2: the close as the last step left it (who confirmed, who countersigned). */
  view?: ClosingView;
}

/**
 * The whole close, as the meeting room does it: the secretary closes, each member who took a
 * token confirms with that device, the inspectors are named if need be, the secretary seals,
 * the inspectors countersign (which publishes). A version-1 vote, or one already closed,
 * publishes at the first step. Any refusal on the way throws ApiError.
 */
export async function closeAndPublish<P extends Participant>(
  secretary: Participant,
  members: P[],
  voteId: string,
  options: CloseOptions<P> = {},
): Promise<ClosedVote> {
  const closed = await prepareClose(secretary, voteId);
  if (closed.body.preparedHash === null || closed.body.vote.state === 'closed') return { closed };
  let view = await closingView(secretary, voteId);
  const issued = members.filter((m) => view.prepared.issuances.some((i) => i.memberId === m.personId));
  if (view.state === 'confirming') {
    for (const m of options.confirmers ?? issued) {
      if (view.confirmedBy.includes(m.personId)) continue;
      await confirm(m, voteId, view.preparedHash);
    }
  }
  const inspectors =
    options.inspectors ??
    (view.inspectors.length > 0 ? members.filter((m) => view.inspectors.includes(m.personId)) : (issued.length > 0 ? issued : members).slice(0, 2));
  const ids = (ps: { personId: string }[]) =>
    ps
      .map((p) => p.personId)
      .sort()
      .join();
  if (ids(inspectors) !== [...view.inspectors].sort().join()) {
    await designateInspectors(
      secretary,
      closed.body.vote.meetingId,
      inspectors.map((i) => i.personId),
    );
  }
  view = (await seal(secretary, voteId, options.unconfirmedReason)).body;
  for (const inspector of inspectors) {
    if (view.state === 'closed') break;
    view = (await countersign(inspector, voteId, view.sealHash!)).body;
  }
  return { closed: ok(await secretary.api.post<CloseAnswer>(closePaths.close(voteId)), 'POST', closePaths.close(voteId)), view };
}
