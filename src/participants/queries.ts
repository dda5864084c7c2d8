// The SQL of participation slips (issue 15): one function per query, and no SQL elsewhere in
// src/participants. Tables: participation_slips (a printed slip: its code's SHA-256, batch,
// spent or voided), slip_token_issuances (the blind token a slip took for a vote) and the
// kind and 应到 columns of meetings (migrations/0009_participation_slips.sql).
import type { Queryable } from '../db/database.ts';

export interface SlipsMeetingRow {
  committee_id: string;
  state: 'draft' | 'open' | 'closed';
  kind: 'members' | 'slips';
  entitled: number | null;
}

/** The meeting's committee, state, kind and 应到; `lock` takes the row for update. */
export async function meetingKind(q: Queryable, meetingId: string, lock = false): Promise<SlipsMeetingRow | undefined> {
  return (await q.query<SlipsMeetingRow>(`SELECT committee_id, state, kind, entitled FROM meetings WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [meetingId]))[0];
}

export async function insertSlipsMeeting(q: Queryable, committeeId: string, title: string, entitled: number, now: Date): Promise<string> {
  return (
    await q.query<{ id: string }>("INSERT INTO meetings (committee_id, title, kind, entitled, created_at) VALUES ($1, $2, 'slips', $3, $4) RETURNING id", [
      committeeId,
      title,
      entitled,
      now,
    ])
  )[0]!.id;
}

export interface SlipCounts {
  printed: number;
  redeemed: number;
  voided: number;
  batches: number;
}

export async function slipCounts(q: Queryable, meetingId: string): Promise<SlipCounts> {
  const row = (
    await q.query<{ printed: number; redeemed: number; voided: number; batches: number | null }>(
      `SELECT count(*) AS printed, count(redeemed_at) AS redeemed, count(voided_at) AS voided, max(batch) AS batches
         FROM participation_slips WHERE meeting_id = $1`,
      [meetingId],
    )
  )[0]!;
  return { printed: Number(row.printed), redeemed: Number(row.redeemed), voided: Number(row.voided), batches: Number(row.batches ?? 0) };
}

export interface BatchRow {
  batch: number;
  printed: number;
  redeemed: number;
  voided: number;
}

export async function slipBatches(q: Queryable, meetingId: string): Promise<BatchRow[]> {
  const rows = await q.query<BatchRow>(
    `SELECT batch, count(*) AS printed, count(redeemed_at) AS redeemed, count(voided_at) AS voided
       FROM participation_slips WHERE meeting_id = $1 GROUP BY batch ORDER BY batch`,
    [meetingId],
  );
  return rows.map((r) => ({ batch: Number(r.batch), printed: Number(r.printed), redeemed: Number(r.redeemed), voided: Number(r.voided) }));
}

/** Inserts one batch of slips (their codes' hashes); answers their ids in the order given. */
export async function insertSlips(q: Queryable, meetingId: string, batch: number, codeHashes: string[], now: Date): Promise<string[]> {
  const rows = await q.query<{ id: string; code_hash: string }>(
    `INSERT INTO participation_slips (meeting_id, code_hash, batch, issued_at)
     SELECT $1, h, $2, $3 FROM unnest($4::text[]) AS h RETURNING id, code_hash`,
    [meetingId, batch, now, codeHashes],
  );
  const ids = new Map(rows.map((r) => [r.code_hash, r.id]));
  return codeHashes.map((h) => ids.get(h)!);
}

/** Voids the unspent, unvoided slips of the meeting with these code hashes; answers how many. */
export async function voidSlipsByHash(q: Queryable, meetingId: string, codeHashes: string[], now: Date): Promise<number> {
  return (
    await q.query(
      'UPDATE participation_slips SET voided_at = $3 WHERE meeting_id = $1 AND code_hash = ANY($2::text[]) AND redeemed_at IS NULL AND voided_at IS NULL RETURNING 1',
      [meetingId, codeHashes, now],
    )
  ).length;
}

/** Voids every unspent, unvoided slip of one batch; answers how many. */
export async function voidSlipsOfBatch(q: Queryable, meetingId: string, batch: number, now: Date): Promise<number> {
  return (
    await q.query(
      'UPDATE participation_slips SET voided_at = $3 WHERE meeting_id = $1 AND batch = $2 AND redeemed_at IS NULL AND voided_at IS NULL RETURNING 1',
      [meetingId, batch, now],
    )
  ).length;
}

export interface SlipRow {
  id: string;
  meeting_id: string;
  redeemed: boolean;
  voided: boolean;
  meeting_state: 'draft' | 'open' | 'closed';
  /** When the slip was spent, and the SHA-256 of the nonce the spending phone sent (a retry's proof). */
  redeemed_at: Date | string | null;
  redeem_nonce_hash: string | null;
}

/**
 * Spends the slip a code hashes to, in one statement (one round trip per redemption): of two
 * phones posting the same code at once exactly one spends it. Only a slip neither spent nor
 * voided, of a meeting not closed, keeping the hash of the phone's redemption nonce if it sent
 * one. Answers the slip as it was before (its meeting's state with it) and whether this
 * statement spent it; nothing when no slip has this code.
 */
export async function spendSlipByHash(
  q: Queryable,
  codeHash: string,
  now: Date,
  nonceHash: string | null,
): Promise<(SlipRow & { spent: boolean }) | undefined> {
  return (
    await q.query<SlipRow & { spent: boolean }>(
      `WITH slip AS (
         SELECT s.id, s.meeting_id, s.redeemed_at IS NOT NULL AS redeemed, s.voided_at IS NOT NULL AS voided, m.state AS meeting_state,
                s.redeemed_at, s.redeem_nonce_hash
           FROM participation_slips s JOIN meetings m ON m.id = s.meeting_id WHERE s.code_hash = $1),
       spent AS (
         UPDATE participation_slips s SET redeemed_at = $2, redeem_nonce_hash = $3 FROM meetings m
          WHERE s.code_hash = $1 AND m.id = s.meeting_id AND m.state <> 'closed' AND s.redeemed_at IS NULL AND s.voided_at IS NULL RETURNING 1)
       SELECT id, meeting_id, redeemed, voided, meeting_state, redeemed_at, redeem_nonce_hash, EXISTS (SELECT 1 FROM spent) AS spent FROM slip`,
      [codeHash, now, nonceHash],
    )
  )[0];
}

export async function slipById(q: Queryable, slipId: string): Promise<SlipRow | undefined> {
  return (
    await q.query<SlipRow>(
      `SELECT s.id, s.meeting_id, s.redeemed_at IS NOT NULL AS redeemed, s.voided_at IS NOT NULL AS voided, m.state AS meeting_state, s.redeemed_at, s.redeem_nonce_hash
         FROM participation_slips s JOIN meetings m ON m.id = s.meeting_id WHERE s.id = $1`,
      [slipId],
    )
  )[0];
}

export interface ParticipantVoteRow {
  id: string;
  state: string;
  definition: string;
}

/** The votes a participant sees: open or closed (a draft's definition is not published yet). */
export async function participantVotes(q: Queryable, meetingId: string): Promise<ParticipantVoteRow[]> {
  return q.query<ParticipantVoteRow>("SELECT id, state, definition FROM votes WHERE meeting_id = $1 AND state <> 'draft' ORDER BY created_at, id", [meetingId]);
}

export interface SlipTokenRow {
  meeting_id: string;
  state: string;
  public_key: string;
  secret_key_sealed: string;
  issued_point: string | null;
  issued_signature: string | null;
}

/** What a slip's token request needs: the vote, its sealed key and any issuance to this slip. */
export async function slipTokenContext(q: Queryable, voteId: string, slipId: string): Promise<SlipTokenRow | undefined> {
  return (
    await q.query<SlipTokenRow>(
      `SELECT v.meeting_id, v.state, v.public_key, v.secret_key_sealed, i.blinded_point AS issued_point, i.blind_signature AS issued_signature
         FROM votes v LEFT JOIN slip_token_issuances i ON i.vote_id = v.id AND i.slip_id = $2
        WHERE v.id = $1`,
      [voteId, slipId],
    )
  )[0];
}

/**
 * Records a slip's issuance only if the vote is still open, its meeting not closed, and the slip
 * spent and not voided; the (vote, slip) key makes a second one impossible.
 */
export async function insertSlipIssuance(q: Queryable, voteId: string, slipId: string, blindedPoint: string, blindSignature: string): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO slip_token_issuances (vote_id, slip_id, blinded_point, blind_signature)
     SELECT v.id, s.id, $3, $4 FROM votes v
       JOIN meetings m ON m.id = v.meeting_id AND m.state <> 'closed'
       JOIN participation_slips s ON s.id = $2 AND s.meeting_id = v.meeting_id AND s.redeemed_at IS NOT NULL AND s.voided_at IS NULL
      WHERE v.id = $1 AND v.state = 'open'
     ON CONFLICT (vote_id, slip_id) DO NOTHING RETURNING 1`,
    [voteId, slipId, blindedPoint, blindSignature],
  );
  return rows.length > 0;
}

export async function slipIssuance(q: Queryable, voteId: string, slipId: string): Promise<{ blinded_point: string; blind_signature: string } | undefined> {
  return (
    await q.query<{ blinded_point: string; blind_signature: string }>(
      'SELECT blinded_point, blind_signature FROM slip_token_issuances WHERE vote_id = $1 AND slip_id = $2',
      [voteId, slipId],
    )
  )[0];
}

/** The blinded points signed for slips in this vote, ascending (the close's slipTokens). */
export async function slipTokensOf(q: Queryable, voteId: string): Promise<string[]> {
  return (await q.query<{ blinded_point: string }>('SELECT blinded_point FROM slip_token_issuances WHERE vote_id = $1', [voteId])).map((r) => r.blinded_point);
}

/** A member's token in this vote (none may exist in a slips meeting's vote). */
export async function memberIssuanceCount(q: Queryable, voteId: string): Promise<number> {
  return Number((await q.query<{ n: number }>('SELECT count(*) AS n FROM token_issuances WHERE vote_id = $1', [voteId]))[0]!.n);
}
