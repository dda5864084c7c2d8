import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { requireAdmin, requirePrincipal } from '../http/auth.ts';
import { idSchema, parseBody, parseId } from '../http/validate.ts';
import { DEVICE_ALGORITHMS } from '../protocol/device-key.ts';
import { recordDeviceEvent, recordEnrolmentIssued } from '../committees/service.ts';
import { completeLogin, createEnrolmentCode, createLoginChallenge, enrolDevice, listDevices, revokeDevice } from './enrolment.ts';

const enrolSchema = z.strictObject({
  code: z.string().min(1).max(64),
  device: z.strictObject({ alg: z.enum(DEVICE_ALGORITHMS), key: z.string().min(1).max(200) }),
  label: z.string().min(1).max(64).optional(),
});
const challengeSchema = z.strictObject({ deviceId: idSchema });
const loginSchema = z.strictObject({ challengeId: idSchema, signature: z.string().min(1).max(200) });

export function peopleRouter(ctx: AppContext): Router {
  const r = Router();

  r.post('/v1/enrol', async (req, res) => {
    const body = parseBody(enrolSchema, req.body);
    const out = await enrolDevice(ctx, body, recordDeviceEvent);
    res.status(201).json(out);
  });

  r.post('/v1/auth/challenge', async (req, res) => {
    const { deviceId } = parseBody(challengeSchema, req.body);
    res.status(201).json(await createLoginChallenge(ctx, deviceId));
  });

  r.post('/v1/auth/token', async (req, res) => {
    const { challengeId, signature } = parseBody(loginSchema, req.body);
    const out = await completeLogin(ctx, challengeId, signature);
    res.json({ accessToken: out.accessToken, tokenType: 'Bearer', expiresIn: out.expiresIn, personId: out.personId, deviceId: out.deviceId });
  });

  r.get('/v1/me', async (req, res) => {
    const p = requirePrincipal(req);
    const name = (await ctx.db.query<{ name: string }>('SELECT name FROM people WHERE id = $1', [p.personId]))[0]!.name;
    res.json({
      personId: p.personId,
      name,
      deviceId: p.deviceId,
      isAdmin: p.isAdmin,
      secretaryOf: [...p.secretaryOf].sort(),
      memberOf: [...p.memberOf].sort(),
      observerOf: [...p.observerOf].sort(),
    });
  });

  r.post('/v1/people/:personId/enrolment-codes', async (req, res) => {
    const admin = requireAdmin(req);
    const personId = parseId(req.params.personId, 'person');
    const exists = await ctx.db.query('SELECT 1 FROM people WHERE id = $1', [personId]);
    if (exists.length === 0) throw new AppError('not_found', 'No such person.');
    const out = await ctx.db.transaction(async (tx) => {
      const code = await createEnrolmentCode(ctx, tx, personId);
      // The chain records that a code was issued, and by whom — never the code.
      await recordEnrolmentIssued(tx, personId, admin.personId);
      return code;
    });
    res.status(201).json({ personId, ...out });
  });

  r.get('/v1/people/:personId/devices', async (req, res) => {
    const p = requirePrincipal(req);
    const personId = parseId(req.params.personId, 'person');
    // A person sees every device ever enrolled in their name; an administrator sees anyone's.
    if (!p.isAdmin && p.personId !== personId) throw new AppError('not_found', 'No such person.');
    const exists = await ctx.db.query('SELECT 1 FROM people WHERE id = $1', [personId]);
    if (exists.length === 0) throw new AppError('not_found', 'No such person.');
    res.json({ devices: await listDevices(ctx.db, personId) });
  });

  r.post('/v1/devices/:deviceId/revoke', async (req, res) => {
    const admin = requireAdmin(req);
    const deviceId = parseId(req.params.deviceId, 'device');
    res.json(await revokeDevice(ctx, deviceId, admin.personId, recordDeviceEvent));
  });

  return r;
}
