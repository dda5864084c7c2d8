// The API's objects as the client reads them (openapi.yaml is the contract).
import type { Mark, VoteDefinition } from '../protocol/ballot.ts';
import type { ChainHead } from '../protocol/chain.ts';
import type { Tally } from '../protocol/tally.ts';

export interface Committee {
  id: string;
  name: string;
  kind: string;
  rules: { quorum: { num: number; den: number }; majorityBase: 'entitled' | 'present'; minCandidateRatio: number; marks: Mark[]; collation: 'surname' | 'fullname' };
  entitled: number;
  head: ChainHead;
}

export interface Member {
  memberId: string;
  name: string;
  votingRight: boolean;
  active: boolean;
}

export interface Meeting {
  id: string;
  committeeId: string;
  title: string;
  state: 'draft' | 'open' | 'closed';
  attendanceRecorded: boolean;
  createdAt: string;
}

export interface Attendance {
  meetingId: string;
  entitled: number;
  present: number;
  quorumRequired: number;
  quorumMet: boolean;
  presentMemberIds: string[];
}

export interface Vote {
  id: string;
  meetingId: string;
  committeeId: string;
  title: string;
  state: 'draft' | 'open' | 'closed';
  definition: VoteDefinition;
  runoffOf: string | null;
  createdSeq: number;
  closedSeq: number | null;
  turnout: { issued: number; returned: number };
}

export interface VoteStatus {
  voteId: string;
  state: 'draft' | 'open' | 'closed';
  turnout: { issued: number; returned: number };
  head: ChainHead;
}

export interface TallyReply {
  voteId: string;
  tally: Tally;
  tallySignature: string;
  closedSeq: number;
}

export interface PersonRef {
  personId: string;
  name: string;
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
