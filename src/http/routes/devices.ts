// Enrolling a device with a one-time code, logging in with it, and the administrator's view
// of people's devices (devices/). Each route parses its input and calls the devices area.
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requirePrincipal } from '../auth.ts';
import { assertAdmin, assertSelfOrAdmin } from '../../principal.ts';
import { idSchema, parseBody, parseId } from '../validate.ts';
import { DEVICE_ALGORITHMS } from '../../protocol/device-key.ts';
import { recordDeviceEvent } from '../../committees/service.ts';
import { devicesOfExistingPerson, enrolDevice, issueEnrolmentCode, revokeDevice } from '../../devices/enrolment.ts';
import { completeLogin, createLoginChallenge, whoAmI } from '../../devices/login.ts';

const enrolSchema = z.strictObject({
  code: z.string().min(1).max(64),
  device: z.strictObject({ alg: z.enum(DEVICE_ALGORITHMS), key: z.string().min(1).max(200) }),
  label: z.string().min(1).max(64).optional(),
});
const challengeSchema = z.strictObject({ deviceId: idSchema });
const loginSchema = z.strictObject({ challengeId: idSchema, signature: z.string().min(1).max(200) });

export function devicesRouter(ctx: AppContext): Router {
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
    res.json(await whoAmI(ctx.db, requirePrincipal(req)));
  });

  r.post('/v1/people/:personId/enrolment-codes', async (req, res) => {
    const admin = requirePrincipal(req);
    assertAdmin(admin);
    const personId = parseId(req.params.personId, 'person');
    res.status(201).json({ personId, ...(await issueEnrolmentCode(ctx, personId, admin.personId)) });
  });

  r.get('/v1/people/:personId/devices', async (req, res) => {
    const p = requirePrincipal(req);
    const personId = parseId(req.params.personId, 'person');
    // A person sees every device ever enrolled in their name; an administrator sees anyone's.
    assertSelfOrAdmin(p, personId);
    res.json({ devices: await devicesOfExistingPerson(ctx.db, personId) });
  });

  r.post('/v1/devices/:deviceId/revoke', async (req, res) => {
    const admin = requirePrincipal(req);
    assertAdmin(admin);
    const deviceId = parseId(req.params.deviceId, 'device');
    res.json(await revokeDevice(ctx, deviceId, admin.personId, recordDeviceEvent));
  });

  return r;
}
