// Share links (issue 12): a per-vote capability that lets an outside observer read the vote's
// record — the committee's chain from genesis through the vote's close, the signed tally — once
// the vote is closed, on a restricted committee. 256 random bits; the service keeps only their
// SHA-256, so the link cannot be read back from the database, only revoked.
import { randomBytes } from '@noble/hashes/utils.js';
import { AppError } from '../errors.ts';
import type { Queryable } from '../db/database.ts';
import type { AppContext } from '../context.ts';
import { shareHash } from '../committees/access.ts';
import { recordAccessChange } from '../committees/audit.ts';
import { toBase64url } from '../protocol/encoding.ts';

export interface Share {
  shareId: string;
  voteId: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

interface ShareRow {
  id: string;
  vote_id: string;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
}

/** The columns ShareRow holds (never the capability's hash). */
const SHARE_COLUMNS = 'id, vote_id, created_by, created_at, revoked_at';

const view = (r: ShareRow): Share => ({ shareId: r.id, voteId: r.vote_id, createdBy: r.created_by, createdAt: iso(r.created_at)!, revokedAt: iso(r.revoked_at) });

/** A new share link: the capability is in this answer and nowhere else. */
export async function createShare(ctx: AppContext, voteId: string, committeeId: string, by: string): Promise<Share & { capability: string; observerPath: string }> {
  const capability = `pjs_${toBase64url(randomBytes(32))}`;
  const row = await ctx.db.transaction(async (tx) => {
    const r = (
      await tx.query<ShareRow>(`INSERT INTO vote_shares (vote_id, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING ${SHARE_COLUMNS}`, [voteId, shareHash(capability), by, ctx.now()])
    )[0]!;
    await recordAccessChange(tx, committeeId, ctx.now(), by, 'share.created', { voteId, shareId: r.id });
    return r;
  });
  const record = `/v1/votes/${voteId}/record`;
  return { ...view(row), capability, observerPath: `#/observer?record=${encodeURIComponent(record)}&cap=${capability}` };
}

export async function listShares(q: Queryable, voteId: string): Promise<Share[]> {
  return (await q.query<ShareRow>(`SELECT ${SHARE_COLUMNS} FROM vote_shares WHERE vote_id = $1 ORDER BY created_at, id`, [voteId])).map(view);
}

/** Revokes a share link for good; revoking it again changes nothing. */
export async function revokeShare(ctx: AppContext, voteId: string, committeeId: string, shareId: string, by: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = (await tx.query<ShareRow>(`SELECT ${SHARE_COLUMNS} FROM vote_shares WHERE id = $1 AND vote_id = $2 FOR UPDATE`, [shareId, voteId]))[0];
    if (!row) throw new AppError('not_found', 'No such share link.');
    if (row.revoked_at !== null) return;
    await tx.query('UPDATE vote_shares SET revoked_at = $2, revoked_by = $3 WHERE id = $1', [shareId, ctx.now(), by]);
    await recordAccessChange(tx, committeeId, ctx.now(), by, 'share.revoked', { voteId, shareId });
  });
}
