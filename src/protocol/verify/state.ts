// The state the verifier threads from check to check. Each stage narrows what is known: a
// RecordState once the record parses, a VoteState once the vote's creation and close are found.
// Checks read the state and return an Outcome; only the stages (record, chain, vote) extend it.
// Fields from the close that a service or an attacker writes freely (`ballots`, `tally`) are
// `unknown` here, so a check cannot use them without validating them first.
import type { JSONWebKeySet } from 'jose';
import type { AnyVoteDefinition, Ballot } from '../ballot.ts';
import type { ChainEntry, ChainHead, Issuance } from '../chain.ts';
import type { RandomBytes } from '../errors.ts';
import type { ProtocolVersion } from '../version.ts';
import type { ProgressCallback, ProgressPhase, VerifyAccelerator } from './accelerator.ts';
import type { Entry, Outcome } from './outcome.ts';
import type { Participation } from './participation.ts';
import type { TokenWork } from './token-signatures.ts';
import type { BallotSignatureWork } from './ballot-signatures.ts';

export interface VerifyOptions {
  /**
   * The service's published keys (/.well-known/jwks.json), fetched by the caller from the
   * service — never taken from the record: a `jwks` field inside a record is ignored.
   */
  jwks: JSONWebKeySet;
  /** A head seen earlier; the record must contain that very entry. */
  pinnedHead?: ChainHead;
  /** Real randomness for the batch-verification coefficients. */
  randomBytes: RandomBytes;
  onProgress?: (progress: { phase: ProgressPhase; done: number; total: number }) => void;
  /** Where to run the per-item work (default: in place). */
  accelerator?: VerifyAccelerator;
  /** At most this many pairings to name bad token signatures after a failed batch (default 64). */
  maxLocatePairings?: number;
  /**
   * An inspector checking the sealed close before countersigning it: the record ends with the
   * would-be vote.closed entry, still without countersignatures, and the report leaves out the
   * countersignatures check (everything else is checked as for a published record).
   */
  beforeCountersigning?: boolean;
}

/** What every check may use besides the state: the caller's options and where work runs. */
export interface VerifyEnv {
  options: VerifyOptions;
  accelerator: VerifyAccelerator;
  progress(phase: ProgressPhase): ProgressCallback | undefined;
}

/** A record whose shape is right and whose entries parse. */
export interface RecordState {
  committeeId: string;
  voteId: string;
  /** The head the record states (checked against its last entry by the chain check). */
  statedHead: ChainHead;
  entries: readonly ChainEntry[];
}

/** The vote found in the record: one creation, one close after it, the record ending there. */
export interface VoteState extends RecordState {
  definition: AnyVoteDefinition;
  version: ProtocolVersion;
  /** The vote's public key, a valid G2 point. */
  key: Uint8Array;
  created: Entry<'vote.created'>;
  closed: Entry<'vote.closed'>;
  issuances: readonly Issuance[];
  /** As published: untrusted until validateBallot has read each one. */
  ballots: readonly unknown[];
  /** As published: untrusted. */
  tally: unknown;
  tallySignature: string;
  /** The meeting's latest attendance before the close (实到), if any. */
  attendance: Entry<'attendance.recorded'> | undefined;
  present: ReadonlySet<string>;
  /** 实到: members recorded present, or in a meeting of participants the slips issued. */
  presentCount: number;
  /** 发出: members' issuances, or in a meeting of participants the slip tokens. */
  issuedCount: number;
  /** What the record says of participants holding slips (issue 15). */
  participation: Participation;
  /** Each ballot validated against the definition, or null where it does not fit. */
  wellFormed: readonly (Ballot | null)[];
  /** Each ballot's hash (hex SHA-256 of its canonical form), '' where it has none. */
  hashes: readonly string[];
  /** The token batch check, started as soon as the vote is known (it runs on workers meanwhile). */
  tokens: TokenWork;
  /** Version 2: the ballot-signature batch, started with the token batch. */
  ballotSignatures?: BallotSignatureWork;
}

/** A check that runs once the vote is known. */
export interface VoteCheck {
  run(vote: VoteState, env: VerifyEnv): Outcome | Promise<Outcome>;
}

/** What a stage gives: its own outcome, and the state it found (null when it failed). */
export interface Staged<T> {
  outcome: Outcome;
  next: T | null;
}
