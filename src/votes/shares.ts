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
import { insertShare, listVoteShares, lockShare, markShareRevoked, type ShareRow } from './queries.ts';

export interface Share {
  shareId: string;
  voteId: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const view = (r: ShareRow): Share => ({
  shareId: r.id,
  voteId: r.vote_id,
  createdBy: r.created_by,
  createdAt: iso(r.created_at)!,
  revokedAt: iso(r.revoked_at),
});

/** A new share link: the capability is in this answer and nowhere else. */
export async function createShare(
  ctx: AppContext,
  voteId: string,
  committeeId: string,
  by: string,
): Promise<Share & { capability: string; observerPath: string }> {
  const capability = `pjs_${toBase64url(randomBytes(32))}`;
  const row = await ctx.db.transaction(async (tx) => {
    const r = await insertShare(tx, voteId, shareHash(capability), by, ctx.now());
    await recordAccessChange(tx, committeeId, ctx.now(), by, 'share.created', { voteId, shareId: r.id });
    return r;
  });
  const record = `/v1/votes/${voteId}/record`;
  return { ...view(row), capability, observerPath: `#/observer?record=${encodeURIComponent(record)}&cap=${capability}` };
}

export async function listShares(q: Queryable, voteId: string): Promise<Share[]> {
  return (await listVoteShares(q, voteId)).map(view);
}

/** Revokes a share link for good; revoking it again changes nothing. */
export async function revokeShare(ctx: AppContext, voteId: string, committeeId: string, shareId: string, by: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await lockShare(tx, voteId, shareId);
    if (!row) throw new AppError('not_found', 'No such share link.');
    if (row.revoked_at !== null) return;
    await markShareRevoked(tx, shareId, ctx.now(), by);
    await recordAccessChange(tx, committeeId, ctx.now(), by, 'share.revoked', { voteId, shareId });
  });
}
