// The API's objects as the client reads them (openapi.yaml is the contract). Where the service
// has the type, the client uses it (type-only imports: nothing of the server is bundled).
export type { Committee, Member, PersonRef } from '../committees/service.ts';
export type { Meeting, Attendance } from '../meetings/service.ts';
export type { VoteView as Vote } from '../votes/service.ts';
export type { ClosingView as Closing } from '../votes/close.ts';
import type { ChainHead } from '../protocol/chain.ts';
import type { Tally } from '../protocol/tally.ts';

export interface VoteStatus {
  voteId: string;
  state: 'draft' | 'open' | 'confirming' | 'countersigning' | 'closed';
  turnout: { issued: number; returned: number };
  head: ChainHead;
}

export interface TallyReply {
  voteId: string;
  tally: Tally;
  tallySignature: string;
  closedSeq: number;
  meetingTitle: string;
  closedAt: string;
}

export interface Device {
  id: string;
  personId: string;
  alg: 'ES256' | 'Ed25519';
  publicKey: string;
  fingerprint: string;
  label: string | null;
  enrolledAt: string;
  revokedAt: string | null;
}

export interface EnrolmentCode {
  personId: string;
  code: string;
  expiresAt: string;
}
