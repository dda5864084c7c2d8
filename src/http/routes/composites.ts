// 三元测评 composites (issue 15): the committee's secretary publishes one over closed evaluation
// votes of the committee (composites/service.ts); the record's readers list and read them, with
// the chain and the sources' records (GET …/chain, GET /v1/votes/{id}/record) to verify them.
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { AppContext } from '../../context.ts';
import { requirePrincipal } from '../auth.ts';
import { recordReader } from '../access.ts';
import { idSchema, parseBody, parseId } from '../validate.ts';
import { assertSecretary, recordAccess } from '../../committees/access.ts';
import { COMPOSITE_SOURCES_MAX, COMPOSITE_SOURCES_MIN, GRADE_POINTS_MAX, GRADES_MAX, WEIGHTS_TOTAL } from '../../protocol/limits.ts';
import { findComposite, listComposites, publishComposite } from '../../composites/service.ts';

// Weights summing to 100, the same cadres and grades: the protocol's checks (invalid_composite).
const publishSchema = z.strictObject({
  title: z.string().trim().min(1).max(512),
  sources: z
    .array(z.strictObject({ label: z.string().trim().min(1).max(64), voteId: idSchema, weight: z.number().int().min(1).max(WEIGHTS_TOTAL) }))
    .min(COMPOSITE_SOURCES_MIN)
    .max(COMPOSITE_SOURCES_MAX),
  points: z
    .array(z.strictObject({ code: z.string().min(1).max(64), points: z.number().int().min(0).max(GRADE_POINTS_MAX) }))
    .min(1)
    .max(GRADES_MAX)
    .optional(),
});

export function compositesRouter(ctx: AppContext): Router {
  const r = Router();

  r.post('/v1/committees/:committeeId/composites', async (req, res) => {
    const p = requirePrincipal(req);
    const committeeId = parseId(req.params.committeeId, 'committee');
    assertSecretary(p, committeeId);
    res.status(201).json(await publishComposite(ctx, committeeId, parseBody(publishSchema, req.body), p.personId));
  });

  // A share link opens the chain only through its vote's close: no composite is in that range.
  r.get('/v1/committees/:committeeId/composites', async (req, res) => {
    const committeeId = parseId(req.params.committeeId, 'committee');
    const { to } = await recordAccess(ctx.db, await recordReader(ctx, req), committeeId);
    res.json({ committeeId, composites: (await listComposites(ctx, committeeId)).filter((c) => to === undefined || c.seq <= to) });
  });

  r.get('/v1/committees/:committeeId/composites/:compositeId', async (req, res) => {
    const committeeId = parseId(req.params.committeeId, 'committee');
    const { to } = await recordAccess(ctx.db, await recordReader(ctx, req), committeeId);
    const found = await findComposite(ctx, committeeId, parseId(req.params.compositeId, 'composite'));
    if (to !== undefined && found.seq > to) throw new AppError('not_found', 'No such composite.');
    res.json(found);
  });

  return r;
}
