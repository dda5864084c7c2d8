// The votes area's SQL, one function per query: votes, token issuances, ballots and share links
// (the close's own tables are in close-queries.ts). Every query names its columns. The sealed
// vote secret is read by readTokenRequest alone, which only token issuance calls: no other row
// the service handles carries it.
//
// The meetings area asks for what it needs of a meeting's votes through the functions at the
// end, not with SQL of its own over these tables.
import type { Queryable } from '../db/database.ts';
import type { CommitteeRules } from '../committees/rules.ts';
import type { DevicePublicKey } from '../protocol/device-key.ts';

/** confirming and countersigning: the version-2 close in progress (close.ts). */
export type VoteState = 'draft' | 'open' | 'confirming' | 'countersigning' | 'closed';

export interface VoteRow {
  id: string;
  meeting_id: string;
  committee_id: string;
  title: string;
  state: VoteState;
  definition: string;
  public_key: string;
  runoff_of: string | null;
  created_at: Date;
  opened_at: Date | null;
  closed_at: Date | null;
  created_seq: number | null;
  closed_seq: number | null;
  prepared_hash: string | null;
  decision: string | null;
  seal_hash: string | null;
}

/**
 * The columns VoteRow holds: never the sealed vote secret, nor the prepared close (megabytes at a
 * meeting of thousands: close-queries.ts readPrepared reads it where it is needed).
 */
const VOTE_COLUMNS =
  'id, meeting_id, committee_id, title, state, definition, public_key, runoff_of, created_at, opened_at, closed_at, created_seq, closed_seq, prepared_hash, decision, seal_hash';

// --- votes ---

/** The vote, its row locked for update when asked (the close and its steps). */
export async function readVote(q: Queryable, voteId: string, forUpdate = false): Promise<VoteRow | undefined> {
  return (await q.query<VoteRow>(`SELECT ${VOTE_COLUMNS} FROM votes WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [voteId]))[0];
}

export async function listMeetingVotes(q: Queryable, meetingId: string): Promise<VoteRow[]> {
  return q.query<VoteRow>(`SELECT ${VOTE_COLUMNS} FROM votes WHERE meeting_id = $1 ORDER BY created_at, id`, [meetingId]);
}

/** 发出 (tokens issued) and 收回 (ballots recorded) of a vote. */
export async function countTurnout(q: Queryable, voteId: string): Promise<{ issued: number; returned: number }> {
  const row = (
    await q.query<{ issued: number; returned: number }>(
      // Tokens issued to participants' slips (issue 15) count as 发出 too.
      `SELECT (SELECT count(*) FROM token_issuances WHERE vote_id = $1) + (SELECT count(*) FROM slip_token_issuances WHERE vote_id = $1) AS issued,
              (SELECT count(*) FROM ballots WHERE vote_id = $1) AS returned`,
      [voteId],
    )
  )[0]!;
  return { issued: Number(row.issued), returned: Number(row.returned) };
}

/** A new vote's id, drawn before the row exists: the definition written into the row names it. */
export async function newVoteId(q: Queryable): Promise<string> {
  return (await q.query<{ id: string }>('SELECT gen_random_uuid() AS id'))[0]!.id;
}

/**
 * The committee's rules, its row locked against a concurrent change of the rules (a key
 * share lock would not do: a new vote must see the rules in force when it is created).
 */
export async function lockCommitteeRules(q: Queryable, committeeId: string): Promise<CommitteeRules> {
  return (await q.query<{ rules: CommitteeRules }>('SELECT rules FROM committees WHERE id = $1 FOR NO KEY UPDATE', [committeeId]))[0]!.rules;
}

export async function insertVote(
  q: Queryable,
  vote: {
    id: string;
    meetingId: string;
    committeeId: string;
    title: string;
    definition: string;
    publicKey: string;
    secretKeySealed: string;
    runoffOf: string | null;
    createdAt: Date;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO votes (id, meeting_id, committee_id, title, definition, public_key, secret_key_sealed, runoff_of, created_at, created_seq)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)`,
    [vote.id, vote.meetingId, vote.committeeId, vote.title, vote.definition, vote.publicKey, vote.secretKeySealed, vote.runoffOf, vote.createdAt],
  );
}

export async function markVoteOpen(q: Queryable, voteId: string, openedAt: Date, createdSeq: number): Promise<void> {
  await q.query("UPDATE votes SET state = 'open', opened_at = $2, created_seq = $3 WHERE id = $1", [voteId, openedAt, createdSeq]);
}

export async function runoffExists(q: Queryable, voteId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM votes WHERE runoff_of = $1', [voteId])).length > 0;
}

/** What the printed report names of a closed vote besides its tally: the meeting and the close time. */
export async function readReportHeading(q: Queryable, voteId: string): Promise<{ meetingTitle: string; closedAt: Date | string }> {
  const row = (
    await q.query<{ title: string; closed_at: Date | string }>(
      'SELECT m.title, v.closed_at FROM votes v JOIN meetings m ON m.id = v.meeting_id WHERE v.id = $1',
      [voteId],
    )
  )[0]!;
  return { meetingTitle: row.title, closedAt: row.closed_at };
}

// --- token issuances ---

/** Everything a token request is judged by, and the vote's sealed secret to sign it with. */
export interface TokenRequestRow {
  committee_id: string;
  meeting_id: string;
  state: VoteState;
  meeting_state: string;
  public_key: string;
  secret_key_sealed: string;
  voting_right: boolean | null;
  active: boolean | null;
  present: boolean;
  alg: DevicePublicKey['alg'];
  device_key: string;
  issued_point: string | null;
  issued_signature: string | null;
  device_too_new: boolean;
}

/**
 * The one read behind a token request (issueToken): the vote, its meeting, the member's roster
 * entry and attendance, the asking device, any earlier issuance — and the sealed vote secret.
 * The only query that reads secret_key_sealed (tests/unit/sql-columns.test.ts).
 */
export async function readTokenRequest(q: Queryable, voteId: string, personId: string, deviceId: string): Promise<TokenRequestRow | undefined> {
  return (
    await q.query<TokenRequestRow>(
      `SELECT v.committee_id, v.meeting_id, v.state, mt.state AS meeting_state, v.public_key, v.secret_key_sealed, m.voting_right, m.active,
              a.person_id IS NOT NULL AS present, d.alg, d.public_key AS device_key,
              i.blinded_point AS issued_point, i.blind_signature AS issued_signature,
              d.enrolled_at > v.created_at AS device_too_new
         FROM votes v
         JOIN meetings mt ON mt.id = v.meeting_id
         JOIN devices d ON d.id = $3
         LEFT JOIN committee_members m ON m.committee_id = v.committee_id AND m.person_id = $2
         LEFT JOIN attendance a ON a.meeting_id = v.meeting_id AND a.person_id = $2
         LEFT JOIN token_issuances i ON i.vote_id = v.id AND i.person_id = $2
        WHERE v.id = $1`,
      [voteId, personId, deviceId],
    )
  )[0];
}

/**
 * Records an issuance only if the member is still present and neither the vote nor the meeting
 * closed; the (vote, member) key makes a second one impossible. True when it was recorded.
 */
export async function insertIssuance(
  q: Queryable,
  issuance: { voteId: string; personId: string; deviceId: string; blindedPoint: string; deviceSignature: string; blindSignature: string },
): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO token_issuances (vote_id, person_id, device_id, blinded_point, device_signature, blind_signature)
     SELECT v.id, $2, $3, $4, $5, $6 FROM votes v
       JOIN meetings mt ON mt.id = v.meeting_id AND mt.state <> 'closed'
       JOIN attendance a ON a.meeting_id = v.meeting_id AND a.person_id = $2
      WHERE v.id = $1 AND v.state IN ('draft', 'open')
     ON CONFLICT (vote_id, person_id) DO NOTHING RETURNING 1`,
    [issuance.voteId, issuance.personId, issuance.deviceId, issuance.blindedPoint, issuance.deviceSignature, issuance.blindSignature],
  );
  return rows.length > 0;
}

/** The blinded point a member's token was issued for, and the blind signature sent back. */
export async function readIssuance(q: Queryable, voteId: string, personId: string): Promise<{ blindedPoint: string; blindSignature: string } | undefined> {
  const row = (
    await q.query<{ blinded_point: string; blind_signature: string }>(
      'SELECT blinded_point, blind_signature FROM token_issuances WHERE vote_id = $1 AND person_id = $2',
      [voteId, personId],
    )
  )[0];
  return row && { blindedPoint: row.blinded_point, blindSignature: row.blind_signature };
}

/** The device that asked for a member's token. */
export async function readIssuedDevice(q: Queryable, voteId: string, personId: string): Promise<string | undefined> {
  return (await q.query<{ device_id: string }>('SELECT device_id FROM token_issuances WHERE vote_id = $1 AND person_id = $2', [voteId, personId]))[0]
    ?.device_id;
}

export async function listIssuedMembers(q: Queryable, voteId: string): Promise<string[]> {
  return (await q.query<{ person_id: string }>('SELECT person_id FROM token_issuances WHERE vote_id = $1 ORDER BY person_id', [voteId])).map(
    (r) => r.person_id,
  );
}

// --- ballots ---

/** A cast's first read of a vote it has not seen: whether it is open, and its definition. */
export async function readVoteDefinition(q: Queryable, voteId: string): Promise<{ state: VoteState; definition: string } | undefined> {
  return (await q.query<{ state: VoteState; definition: string }>('SELECT state, definition FROM votes WHERE id = $1', [voteId]))[0];
}

/** The vote's state and turnout at a cast, with the ballot already recorded for its token, if any. */
export async function readCastState(
  q: Queryable,
  voteId: string,
  token: string,
): Promise<{ state: VoteState; issued: number; returned: number; ballotHash: string | null; receipt: string | null }> {
  const row = (
    await q.query<{ state: VoteState; issued: number; returned: number; ballot_hash: string | null; receipt: string | null }>(
      // Slips' tokens (issue 15) count as 发出.
      `SELECT v.state, (SELECT count(*) FROM token_issuances WHERE vote_id = v.id) + (SELECT count(*) FROM slip_token_issuances WHERE vote_id = v.id) AS issued,
              (SELECT count(*) FROM ballots WHERE vote_id = v.id) AS returned, b.ballot_hash, b.receipt
         FROM votes v LEFT JOIN ballots b ON b.vote_id = v.id AND b.token = $2
        WHERE v.id = $1`,
      [voteId, token],
    )
  )[0]!;
  return { state: row.state, issued: Number(row.issued), returned: Number(row.returned), ballotHash: row.ballot_hash, receipt: row.receipt };
}

/** The ballot recorded for a token: its hash and receipt. */
export async function readBallot(q: Queryable, voteId: string, token: string): Promise<{ ballotHash: string; receipt: string } | undefined> {
  const row = (
    await q.query<{ ballot_hash: string; receipt: string }>('SELECT ballot_hash, receipt FROM ballots WHERE vote_id = $1 AND token = $2', [voteId, token])
  )[0];
  return row && { ballotHash: row.ballot_hash, receipt: row.receipt };
}

/** A ballot as the ballot mixer writes it (ballot-mixer.ts). */
export interface BallotInsert {
  token: string;
  ballotHash: string;
  /** The ballot as stored (sealed until the close). */
  ballot: string;
  receipt: string;
}

/**
 * Inserts one mixed batch of a vote's ballots (ballot-mixer.ts) in one statement, in the order
 * given, only while the vote is open: the share lock on the votes row orders it against a
 * concurrent close, and the (vote, token) key spends each token once. Answers the tokens
 * inserted.
 */
export async function insertBallots(q: Queryable, voteId: string, rows: BallotInsert[]): Promise<Set<string>> {
  const inserted = await q.query<{ token: string }>(
    `INSERT INTO ballots (vote_id, token, ballot_hash, ballot, receipt)
     SELECT v.id, b.token, b.ballot_hash, b.ballot, b.receipt
       FROM votes v, unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS b(token, ballot_hash, ballot, receipt, n)
      WHERE v.id = $1 AND v.state = 'open'
      ORDER BY b.n
        FOR SHARE OF v
     ON CONFLICT (vote_id, token) DO NOTHING RETURNING token`,
    [voteId, rows.map((r) => r.token), rows.map((r) => r.ballotHash), rows.map((r) => r.ballot), rows.map((r) => r.receipt)],
  );
  return new Set(inserted.map((r) => r.token));
}

// --- share links ---

export interface ShareRow {
  id: string;
  vote_id: string;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
}

/** The columns ShareRow holds (never the capability's hash). */
const SHARE_COLUMNS = 'id, vote_id, created_by, created_at, revoked_at';

export async function insertShare(q: Queryable, voteId: string, tokenHash: string, by: string, createdAt: Date): Promise<ShareRow> {
  return (
    await q.query<ShareRow>(`INSERT INTO vote_shares (vote_id, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING ${SHARE_COLUMNS}`, [
      voteId,
      tokenHash,
      by,
      createdAt,
    ])
  )[0]!;
}

export async function listVoteShares(q: Queryable, voteId: string): Promise<ShareRow[]> {
  return q.query<ShareRow>(`SELECT ${SHARE_COLUMNS} FROM vote_shares WHERE vote_id = $1 ORDER BY created_at, id`, [voteId]);
}

/** A share link of the vote, its row locked for the revocation. */
export async function lockShare(q: Queryable, voteId: string, shareId: string): Promise<ShareRow | undefined> {
  return (await q.query<ShareRow>(`SELECT ${SHARE_COLUMNS} FROM vote_shares WHERE id = $1 AND vote_id = $2 FOR UPDATE`, [shareId, voteId]))[0];
}

export async function markShareRevoked(q: Queryable, shareId: string, revokedAt: Date, by: string): Promise<void> {
  await q.query('UPDATE vote_shares SET revoked_at = $2, revoked_by = $3 WHERE id = $1', [shareId, revokedAt, by]);
}

// --- for the meetings area ---

/** Members issued a token for any vote of the meeting: they stay present (a token cannot be taken back). */
export async function listMeetingTokenHolders(q: Queryable, meetingId: string): Promise<string[]> {
  return (
    await q.query<{ person_id: string }>('SELECT DISTINCT i.person_id FROM token_issuances i JOIN votes v ON v.id = i.vote_id WHERE v.meeting_id = $1', [
      meetingId,
    ])
  ).map((r) => r.person_id);
}

/** Whether any vote of the meeting is in one of these states. */
export async function meetingHasVoteIn(q: Queryable, meetingId: string, states: readonly VoteState[]): Promise<boolean> {
  return (await q.query('SELECT 1 FROM votes WHERE meeting_id = $1 AND state = ANY($2::text[]) LIMIT 1', [meetingId, states])).length > 0;
}
