import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { requireAdmin, requirePrincipal } from '../http/auth.ts';
import { parseBody, parseId } from '../http/validate.ts';
import { assertCanRead } from './access.ts';
import { rulesSchema } from './rules.ts';
import { addMember, addSecretary, createCommittee, getCommittee, listCommitteeIds, listMembers, listSecretaries, updateMember } from './service.ts';

const personName = z.string().trim().min(1).max(64);
const createSchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  kind: z.enum(['standing', 'full', 'other']).default('standing'),
  rules: rulesSchema.default(() => rulesSchema.parse({})),
});
const personInput = z
  .strictObject({ name: personName.optional(), personId: z.uuid().optional(), votingRight: z.boolean().default(true) })
  .refine((v) => (v.name === undefined) !== (v.personId === undefined), { message: 'give exactly one of name or personId', path: ['name'] });
const secretaryInput = z
  .strictObject({ name: personName.optional(), personId: z.uuid().optional() })
  .refine((v) => (v.name === undefined) !== (v.personId === undefined), { message: 'give exactly one of name or personId', path: ['name'] });
const memberPatch = z
  .strictObject({ votingRight: z.boolean().optional(), active: z.boolean().optional() })
  .refine((v) => v.votingRight !== undefined || v.active !== undefined, { message: 'nothing to change', path: ['active'] });

export function committeesRouter(ctx: AppContext): Router {
  const r = Router();

  r.post('/v1/committees', async (req, res) => {
    requireAdmin(req);
    const body = parseBody(createSchema, req.body);
    res.status(201).json(await createCommittee(ctx, body));
  });

  r.get('/v1/committees', async (req, res) => {
    const p = requirePrincipal(req);
    const ids = await listCommitteeIds(ctx.db, p.isAdmin ? 'all' : [...new Set([...p.secretaryOf, ...p.memberOf])]);
    res.json({ committees: await Promise.all(ids.map((id) => getCommittee(ctx.db, id))) });
  });

  r.get('/v1/committees/:committeeId', async (req, res) => {
    const p = requirePrincipal(req);
    const id = parseId(req.params.committeeId, 'committee');
    assertCanRead(p, id);
    res.json(await getCommittee(ctx.db, id));
  });

  r.get('/v1/committees/:committeeId/members', async (req, res) => {
    const p = requirePrincipal(req);
    const id = parseId(req.params.committeeId, 'committee');
    assertCanRead(p, id);
    await getCommittee(ctx.db, id);
    res.json({ members: await listMembers(ctx.db, id) });
  });

  r.post('/v1/committees/:committeeId/members', async (req, res) => {
    requireAdmin(req);
    const id = parseId(req.params.committeeId, 'committee');
    const body = parseBody(personInput, req.body);
    res.status(201).json(await addMember(ctx, id, { ...body, personId: body.personId?.toLowerCase() }));
  });

  r.patch('/v1/committees/:committeeId/members/:memberId', async (req, res) => {
    requireAdmin(req);
    const id = parseId(req.params.committeeId, 'committee');
    const memberId = parseId(req.params.memberId, 'member');
    res.json(await updateMember(ctx, id, memberId, parseBody(memberPatch, req.body)));
  });

  r.get('/v1/committees/:committeeId/secretaries', async (req, res) => {
    const p = requirePrincipal(req);
    const id = parseId(req.params.committeeId, 'committee');
    assertCanRead(p, id);
    await getCommittee(ctx.db, id);
    res.json({ secretaries: await listSecretaries(ctx.db, id) });
  });

  r.post('/v1/committees/:committeeId/secretaries', async (req, res) => {
    requireAdmin(req);
    const id = parseId(req.params.committeeId, 'committee');
    const body = parseBody(secretaryInput, req.body);
    if (!body.name && !body.personId) throw new AppError('validation_failed', 'give a name or a personId', { field: 'name' });
    res.status(201).json(await addSecretary(ctx, id, { ...body, personId: body.personId?.toLowerCase() }));
  });

  return r;
}
