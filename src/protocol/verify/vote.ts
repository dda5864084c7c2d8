// Stage `vote`: the record holds one vote.created entry for its vote, one vote.closed after it,
// and ends there; the definition is this committee's and its key a valid G2 point. Then
// voteState reads once what the later checks share (attendance, ballots validated and hashed)
// and starts the costly token batch check.
import { participationOf } from './participation.ts';
import { validateBallot, type AnyVoteDefinition, type Ballot } from '../ballot.ts';
import { fromBase64url } from '../encoding.ts';
import { reasonZh } from '../errors.ts';
import { decodeG2 } from '../tokens.ts';
import { versionOf, type ProtocolVersion } from '../version.ts';
import { bytesToHex, canonicalBytes } from '../encoding.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { fail, pass, type Entry } from './outcome.ts';
import type { RecordState, Staged, VerifyEnv, VoteState } from './state.ts';
import { startTokenWork } from './token-signatures.ts';
import { startBallotSignatureWork } from './ballot-signatures.ts';

/** The vote as found: its creation, its close (the record's last entry), its definition and key. */
export interface FoundVote {
  definition: AnyVoteDefinition;
  key: Uint8Array;
  created: Entry<'vote.created'>;
  closed: Entry<'vote.closed'>;
}

/**
 * The vote stage. `version` is the protocol version of the vote's definition whenever exactly
 * one vote.created entry names it, even when the stage fails later (a version 1 report has no
 * version 2 checks).
 */
export function findVote(record: Pick<RecordState, 'committeeId' | 'voteId' | 'entries'>): Staged<FoundVote> & { version: ProtocolVersion | null } {
  const { entries, voteId, committeeId } = record;
  const created = entries.filter((e): e is Entry<'vote.created'> => e.kind === 'vote.created' && e.body.definition.voteId === voteId);
  const closed = entries.filter((e): e is Entry<'vote.closed'> => e.kind === 'vote.closed' && e.body.voteId === voteId);
  const createdEntry = created.length === 1 ? created[0]! : null;
  const closedEntry = closed.length === 1 && createdEntry && closed[0]!.seq > createdEntry.seq && closed[0] === entries.at(-1) ? closed[0]! : null;
  const version = createdEntry ? versionOf(createdEntry.body.definition) : null;
  const failed = (code: Parameters<typeof fail>[0], en: string, zh: string) => ({ outcome: fail(code, en, zh), next: null, version });
  if (created.length === 0) return failed('vote_missing', `no vote.created entry for vote ${voteId}`, `没有表决 ${voteId} 的 vote.created 项`);
  if (created.length > 1)
    return failed(
      'vote_duplicate',
      `${created.length} vote.created entries for vote ${voteId}, expected 1`,
      `表决 ${voteId} 有 ${created.length} 个 vote.created 项，应为 1 个`,
    );
  if (closed.length > 1)
    return failed(
      'vote_duplicate',
      `${closed.length} vote.closed entries for vote ${voteId}, expected 1`,
      `表决 ${voteId} 有 ${closed.length} 个 vote.closed 项，应为 1 个`,
    );
  if (closed.length === 0 || closed[0]!.seq < created[0]!.seq)
    return failed(
      'vote_not_closed',
      `no vote.closed entry after the vote.created entry for vote ${voteId}`,
      `表决 ${voteId} 的 vote.created 项之后没有 vote.closed 项`,
    );
  if (!createdEntry || !closedEntry)
    return failed(
      'entries_after_close',
      `the record goes on after the vote's vote.closed entry (seq ${closed[0]!.seq}); it must end there`,
      `记录在该表决的 vote.closed 项（序号 ${closed[0]!.seq}）之后仍有内容；记录必须止于该项`,
    );
  const def = createdEntry.body.definition;
  if (def.committeeId !== committeeId)
    return failed('vote_definition_invalid', `the vote belongs to committee ${def.committeeId}`, `该表决属于委员会 ${def.committeeId}`);
  let key: Uint8Array;
  try {
    key = fromBase64url(def.publicKey);
  } catch (e) {
    return failed(
      'vote_key_invalid',
      `the vote key is not a valid G2 point: ${(e as Error).message}`,
      '表决公钥不是有效的 G2 点：publicKey 不是规范的 base64url 编码',
    );
  }
  try {
    decodeG2(key, 'publicKey');
  } catch (e) {
    return failed('vote_key_invalid', `the vote key is not a valid G2 point: ${(e as Error).message}`, `表决公钥不是有效的 G2 点：${reasonZh(e)}`);
  }
  return {
    outcome: pass(
      `vote ${voteId}: ${def.items.length} items, key ${def.publicKey.slice(0, 16)}…`,
      `表决 ${voteId}：${def.items.length} 个事项，公钥 ${def.publicKey.slice(0, 16)}…`,
    ),
    next: { definition: def, key, created: createdEntry, closed: closedEntry },
    version,
  };
}

/** What the later checks share, read once; starts the token batch check on the accelerator. */
export function voteState(record: RecordState, vote: FoundVote, env: VerifyEnv): VoteState {
  const { definition, closed } = vote;
  const { issuances, tallySignature } = closed.body;
  // Untrusted as published: the types say so, whatever parseEntry let through.
  const ballots: readonly unknown[] = closed.body.ballots;
  const tally: unknown = closed.body.tally;
  // 实到 is the meeting's latest attendance before the close (members sign in after the vote is created).
  const attendance = record.entries
    .filter((e): e is Entry<'attendance.recorded'> => e.kind === 'attendance.recorded' && e.seq < closed.seq && e.body.meetingId === definition.meetingId)
    .at(-1);
  // In a meeting of participants, 实到 is the slips issued and 发出 the slip tokens (participation.ts).
  const participation = participationOf(record.entries, definition, vote.created, closed);
  // The costly token work starts first: on worker threads it runs while the other checks do theirs.
  const version = versionOf(definition);
  const tokens = startTokenWork({ voteId: record.voteId, version, ballots }, env);
  const wellFormed = ballots.map((b): Ballot | null => {
    try {
      return validateBallot(definition, b);
    } catch {
      return null;
    }
  });
  // Version 2: the ballot-signature batch too, beside the token batch on the workers.
  const ballotSignatures = version === 2 ? startBallotSignatureWork(wellFormed, env.accelerator) : undefined;
  const hashes = ballots.map((b) => {
    try {
      return bytesToHex(sha256(canonicalBytes(b)));
    } catch {
      return '';
    }
  });
  return {
    ...record,
    ...vote,
    version,
    issuances,
    ballots,
    tally,
    tallySignature,
    attendance,
    present: new Set(attendance?.body.present ?? []),
    presentCount: participation.slipsMeeting ? participation.slipsIssued : (attendance?.body.present.length ?? 0),
    issuedCount: participation.slipsMeeting ? participation.tokens.length : issuances.length,
    participation,
    wellFormed,
    hashes,
    tokens,
    ...(ballotSignatures ? { ballotSignatures } : {}),
  };
}
