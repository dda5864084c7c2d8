// The close's SQL (close.ts), one function per query: what the close publishes of issuances and
// ballots, the state changes of a vote as it closes, the members' confirmations, the
// inspectors (监票人) and their countersignatures, and the signing device of a request.
import type { Queryable } from '../db/database.ts';
import type { DevicePublicKey } from '../protocol/device-key.ts';

/** One row per token issued: who received it, for which blinded point, signed by which device. */
export async function listIssuancesWithFingerprints(
  q: Queryable,
  voteId: string,
): Promise<{ personId: string; blindedPoint: string; deviceSignature: string; fingerprint: string }[]> {
  const rows = await q.query<{ person_id: string; blinded_point: string; device_signature: string; fingerprint: string }>(
    `SELECT i.person_id, i.blinded_point, i.device_signature, d.fingerprint
       FROM token_issuances i JOIN devices d ON d.id = i.device_id WHERE i.vote_id = $1`,
    [voteId],
  );
  return rows.map((r) => ({ personId: r.person_id, blindedPoint: r.blinded_point, deviceSignature: r.device_signature, fingerprint: r.fingerprint }));
}

/** The vote's ballots as stored (sealed until the close opens them). */
export async function listSealedBallots(q: Queryable, voteId: string): Promise<{ token: string; ballot: string; ballotHash: string }[]> {
  const rows = await q.query<{ token: string; ballot: string; ballot_hash: string }>('SELECT token, ballot, ballot_hash FROM ballots WHERE vote_id = $1', [
    voteId,
  ]);
  return rows.map((r) => ({ token: r.token, ballot: r.ballot, ballotHash: r.ballot_hash }));
}

/** The prepared close as stored: its canonical JSON text (version 2, once prepared). */
export async function readPrepared(q: Queryable, voteId: string): Promise<string> {
  return (await q.query<{ prepared: string }>('SELECT prepared FROM votes WHERE id = $1 AND prepared IS NOT NULL', [voteId]))[0]!.prepared;
}

/** Version 1: closed in one step, its vote.closed entry at closedSeq. */
export async function markVoteClosed(q: Queryable, voteId: string, closedAt: Date, closedSeq: number): Promise<void> {
  await q.query("UPDATE votes SET state = 'closed', closed_at = $2, closed_seq = $3 WHERE id = $1", [voteId, closedAt, closedSeq]);
}

/** Version 2: casting stops; the prepared close (canonical JSON) waits for the members' confirmations. */
export async function markVotePrepared(q: Queryable, voteId: string, prepared: string, preparedHash: string, closedAt: Date): Promise<void> {
  await q.query("UPDATE votes SET state = 'confirming', prepared = $2, prepared_hash = $3, closed_at = $4 WHERE id = $1", [
    voteId,
    prepared,
    preparedHash,
    closedAt,
  ]);
}

/** The confirmations are sealed (with the decision on any shortfall, JSON); the inspectors sign sealHash. */
export async function markVoteSealed(q: Queryable, voteId: string, decision: string | null, sealHash: string): Promise<void> {
  await q.query("UPDATE votes SET state = 'countersigning', decision = $2, seal_hash = $3 WHERE id = $1", [voteId, decision, sealHash]);
}

/** Version 2: the last countersignature published the vote.closed entry at closedSeq. */
export async function markVotePublished(q: Queryable, voteId: string, closedSeq: number): Promise<void> {
  await q.query("UPDATE votes SET state = 'closed', closed_seq = $2 WHERE id = $1", [voteId, closedSeq]);
}

/** Votes of the meeting waiting for countersignatures, in id order (the order their locks are taken). */
export async function listCountersigningVotes(q: Queryable, meetingId: string): Promise<string[]> {
  return (await q.query<{ id: string }>("SELECT id FROM votes WHERE meeting_id = $1 AND state = 'countersigning' ORDER BY id", [meetingId])).map((r) => r.id);
}

/** A member's signature, with the fingerprint of the device that made it. */
export interface SignatureRow {
  personId: string;
  deviceFingerprint: string;
  signature: string;
}

type SignatureColumns = { person_id: string; device_fingerprint: string; signature: string };
const signatureRow = (r: SignatureColumns): SignatureRow => ({ personId: r.person_id, deviceFingerprint: r.device_fingerprint, signature: r.signature });

// --- confirmations ---

export async function listConfirmations(q: Queryable, voteId: string): Promise<SignatureRow[]> {
  return (await q.query<SignatureColumns>('SELECT person_id, device_fingerprint, signature FROM vote_confirmations WHERE vote_id = $1', [voteId])).map(
    signatureRow,
  );
}

export async function confirmationExists(q: Queryable, voteId: string, personId: string): Promise<boolean> {
  return (await q.query('SELECT signature FROM vote_confirmations WHERE vote_id = $1 AND person_id = $2', [voteId, personId])).length > 0;
}

export async function insertConfirmation(q: Queryable, voteId: string, c: SignatureRow): Promise<void> {
  await q.query('INSERT INTO vote_confirmations (vote_id, person_id, device_fingerprint, signature) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
    voteId,
    c.personId,
    c.deviceFingerprint,
    c.signature,
  ]);
}

// --- inspectors and countersignatures ---

export async function listInspectors(q: Queryable, meetingId: string): Promise<string[]> {
  return (await q.query<{ person_id: string }>('SELECT person_id FROM meeting_inspectors WHERE meeting_id = $1 ORDER BY person_id', [meetingId])).map(
    (r) => r.person_id,
  );
}

export async function deleteInspectors(q: Queryable, meetingId: string): Promise<void> {
  await q.query('DELETE FROM meeting_inspectors WHERE meeting_id = $1', [meetingId]);
}

export async function insertInspectors(q: Queryable, meetingId: string, personIds: string[]): Promise<void> {
  await q.query('INSERT INTO meeting_inspectors (meeting_id, person_id) SELECT $1, unnest($2::uuid[])', [meetingId, personIds]);
}

export async function listCountersigners(q: Queryable, voteId: string): Promise<string[]> {
  return (await q.query<{ person_id: string }>('SELECT person_id FROM vote_countersignatures WHERE vote_id = $1 ORDER BY person_id', [voteId])).map(
    (r) => r.person_id,
  );
}

export async function listCountersignatures(q: Queryable, voteId: string): Promise<SignatureRow[]> {
  return (await q.query<SignatureColumns>('SELECT person_id, device_fingerprint, signature FROM vote_countersignatures WHERE vote_id = $1', [voteId])).map(
    signatureRow,
  );
}

/** An inspector's countersignature; one sent again (perhaps from another device) replaces the earlier. */
export async function upsertCountersignature(q: Queryable, voteId: string, c: SignatureRow): Promise<void> {
  await q.query(
    `INSERT INTO vote_countersignatures (vote_id, person_id, device_fingerprint, signature) VALUES ($1, $2, $3, $4)
     ON CONFLICT (vote_id, person_id) DO UPDATE SET device_fingerprint = EXCLUDED.device_fingerprint, signature = EXCLUDED.signature`,
    [voteId, c.personId, c.deviceFingerprint, c.signature],
  );
}

// --- devices ---

/** A device's enrolled key and fingerprint, to check a confirmation or countersignature it made. */
export async function readSigningDevice(q: Queryable, deviceId: string): Promise<{ key: DevicePublicKey; fingerprint: string }> {
  const row = (
    await q.query<{ alg: DevicePublicKey['alg']; public_key: string; fingerprint: string }>('SELECT alg, public_key, fingerprint FROM devices WHERE id = $1', [
      deviceId,
    ])
  )[0]!;
  return { key: { alg: row.alg, key: row.public_key }, fingerprint: row.fingerprint };
}
