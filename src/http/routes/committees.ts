// The committees' routes: committees, their members, secretaries and observers, who may read
// the record and the log of changes to it. Each parses its input, checks the caller's roles
// (principal.ts, committees/access.ts) and calls committees/service.ts.
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requirePrincipal } from '../auth.ts';
import { visibleCommittee } from '../access.ts';
import { assertAdmin } from '../../principal.ts';
import { idSchema, parseBody, parseId } from '../validate.ts';
import { assertCanRead, assertSecretaryOrAdmin, VISIBILITIES } from '../../committees/access.ts';
import { accessLog } from '../../committees/audit.ts';
import { rulesSchema } from '../../committees/rules.ts';
import {
  addMember,
  addMembers,
  addObserver,
  addSecretary,
  createCommittee,
  getCommittee,
  listCommitteeIds,
  listMembers,
  listObservers,
  listSecretaries,
  removeObserver,
  removeSecretary,
  setVisibility,
  updateMember,
} from '../../committees/service.ts';

const personName = z.string().trim().min(1).max(64);
const createSchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  kind: z.enum(['standing', 'full', 'other']).default('standing'),
  rules: rulesSchema.default(() => rulesSchema.parse({})),
  /** Restricted unless asked otherwise: a committee's personnel votes are not for anyone's eyes. */
  visibility: z.enum(VISIBILITIES).default('restricted'),
});
const committeePatch = z.strictObject({ visibility: z.enum(VISIBILITIES) });
const personInput = z
  .strictObject({ name: personName.optional(), personId: idSchema.optional(), votingRight: z.boolean().default(true) })
  .refine((v) => (v.name === undefined) !== (v.personId === undefined), { message: 'give exactly one of name or personId', path: ['name'] });
/** At most this many members added in one request (the largest meeting the service records). */
export const MAX_MEMBERS_PER_REQUEST = 3000;
const membersInput = z.strictObject({ members: z.array(personInput).min(1).max(MAX_MEMBERS_PER_REQUEST) });
const secretaryInput = z
  .strictObject({ name: personName.optional(), personId: idSchema.optional() })
  .refine((v) => (v.name === undefined) !== (v.personId === undefined), { message: 'give exactly one of name or personId', path: ['name'] });
const memberPatch = z
  .strictObject({ votingRight: z.boolean().optional(), active: z.boolean().optional() })
  .refine((v) => v.votingRight !== undefined || v.active !== undefined, { message: 'nothing to change', path: ['active'] });

export function committeesRouter(ctx: AppContext): Router {
  const r = Router();

  r.post('/v1/committees', async (req, res) => {
    assertAdmin(requirePrincipal(req));
    const body = parseBody(createSchema, req.body);
    res.status(201).json(await createCommittee(ctx, body));
  });

  r.get('/v1/committees', async (req, res) => {
    const p = requirePrincipal(req);
    const ids = await listCommitteeIds(ctx.db, p.isAdmin ? 'all' : [...new Set([...p.secretaryOf, ...p.memberOf, ...p.observerOf])]);
    res.json({ committees: await Promise.all(ids.map((id) => getCommittee(ctx.db, id))) });
  });

  r.get('/v1/committees/:committeeId', async (req, res) => {
    const p = requirePrincipal(req);
    const id = parseId(req.params.committeeId, 'committee');
    assertCanRead(p, id);
    res.json(await getCommittee(ctx.db, id));
  });

  // Who may read the record (issue 12): set by an administrator, audited.
  r.patch('/v1/committees/:committeeId', async (req, res) => {
    const admin = requirePrincipal(req);
    assertAdmin(admin);
    const id = parseId(req.params.committeeId, 'committee');
    res.json(await setVisibility(ctx, id, parseBody(committeePatch, req.body).visibility, admin.personId));
  });

  r.get('/v1/committees/:committeeId/observers', async (req, res) => {
    const { committeeId } = await visibleCommittee(ctx.db, req);
    res.json({ observers: await listObservers(ctx.db, committeeId) });
  });

  r.post('/v1/committees/:committeeId/observers', async (req, res) => {
    const admin = requirePrincipal(req);
    assertAdmin(admin);
    const id = parseId(req.params.committeeId, 'committee');
    res.status(201).json(await addObserver(ctx, id, parseBody(secretaryInput, req.body), admin.personId));
  });

  r.delete('/v1/committees/:committeeId/observers/:personId', async (req, res) => {
    const admin = requirePrincipal(req);
    assertAdmin(admin);
    const id = parseId(req.params.committeeId, 'committee');
    await removeObserver(ctx, id, parseId(req.params.personId, 'person'), admin.personId);
    res.status(204).end();
  });

  // Changes to who may read the record, with who made them: the secretaries and administrators.
  r.get('/v1/committees/:committeeId/access-log', async (req, res) => {
    const { p, committeeId } = await visibleCommittee(ctx.db, req);
    assertSecretaryOrAdmin(p, committeeId);
    res.json({ events: await accessLog(ctx.db, committeeId) });
  });

  r.get('/v1/committees/:committeeId/members', async (req, res) => {
    const { committeeId } = await visibleCommittee(ctx.db, req);
    res.json({ members: await listMembers(ctx.db, committeeId) });
  });

  r.post('/v1/committees/:committeeId/members', async (req, res) => {
    assertAdmin(requirePrincipal(req));
    const id = parseId(req.params.committeeId, 'committee');
    const body = parseBody(personInput, req.body);
    res.status(201).json(await addMember(ctx, id, body));
  });

  // Many members at once, with one roster entry (setting up a large committee).
  r.post('/v1/committees/:committeeId/members/batch', async (req, res) => {
    assertAdmin(requirePrincipal(req));
    const id = parseId(req.params.committeeId, 'committee');
    res.status(201).json({ members: await addMembers(ctx, id, parseBody(membersInput, req.body).members) });
  });

  r.patch('/v1/committees/:committeeId/members/:memberId', async (req, res) => {
    assertAdmin(requirePrincipal(req));
    const id = parseId(req.params.committeeId, 'committee');
    const memberId = parseId(req.params.memberId, 'member');
    res.json(await updateMember(ctx, id, memberId, parseBody(memberPatch, req.body)));
  });

  r.get('/v1/committees/:committeeId/secretaries', async (req, res) => {
    const { committeeId } = await visibleCommittee(ctx.db, req);
    res.json({ secretaries: await listSecretaries(ctx.db, committeeId) });
  });

  r.post('/v1/committees/:committeeId/secretaries', async (req, res) => {
    const admin = requirePrincipal(req);
    assertAdmin(admin);
    const id = parseId(req.params.committeeId, 'committee');
    res.status(201).json(await addSecretary(ctx, id, parseBody(secretaryInput, req.body), admin.personId));
  });

  r.delete('/v1/committees/:committeeId/secretaries/:personId', async (req, res) => {
    const admin = requirePrincipal(req);
    assertAdmin(admin);
    const id = parseId(req.params.committeeId, 'committee');
    await removeSecretary(ctx, id, parseId(req.params.personId, 'person'), admin.personId);
    res.status(204).end();
  });

  return r;
}
