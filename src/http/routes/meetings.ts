// A committee's meetings: creating, attendance, opening and closing (meetings/service.ts).
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requirePrincipal } from '../auth.ts';
import { idSchema, parseBody, parseId } from '../validate.ts';
import { assertCanRead, assertSecretary } from '../../committees/access.ts';
import { visibleCommittee } from '../access.ts';
import { closeMeeting, createMeeting, findMeeting, getAttendance, listMeetings, openMeeting, recordAttendance } from '../../meetings/service.ts';
import { createSlipsMeetingFromRequest } from './participants.ts';

const createSchema = z.strictObject({ title: z.string().trim().min(1).max(200), kind: z.literal('members').optional() });
const attendanceSchema = z.strictObject({ present: z.array(idSchema).max(3000) });
const noBody = z.strictObject({});

export function meetingsRouter(ctx: AppContext): Router {
  const r = Router();

  r.post('/v1/committees/:committeeId/meetings', async (req, res) => {
    const p = requirePrincipal(req);
    const committeeId = parseId(req.params.committeeId, 'committee');
    // Only a secretary of the committee passes, and their role row proves the committee exists.
    assertSecretary(p, committeeId);
    // Issue 15 hook: a meeting of participants holding slips ({ title, kind: 'slips', entitled }).
    const slips = await createSlipsMeetingFromRequest(ctx, committeeId, req.body);
    if (slips) return void res.status(201).json(slips);
    const { title } = parseBody(createSchema, req.body);
    res.status(201).json(await createMeeting(ctx, committeeId, title));
  });

  r.get('/v1/committees/:committeeId/meetings', async (req, res) => {
    const { committeeId } = await visibleCommittee(ctx.db, req);
    res.json({ meetings: await listMeetings(ctx.db, committeeId) });
  });

  /** Loads a meeting the caller may see; 404 for anyone outside its committee. */
  async function visibleMeeting(req: Parameters<Parameters<typeof r.get>[1]>[0]) {
    const p = requirePrincipal(req);
    const meeting = await findMeeting(ctx.db, parseId(req.params.meetingId, 'meeting'));
    assertCanRead(p, meeting.committeeId, 'meeting');
    return { p, meeting };
  }

  r.get('/v1/meetings/:meetingId', async (req, res) => {
    const { meeting } = await visibleMeeting(req);
    res.json(meeting);
  });

  r.get('/v1/meetings/:meetingId/attendance', async (req, res) => {
    const { meeting } = await visibleMeeting(req);
    res.json(await getAttendance(ctx.db, meeting.id));
  });

  r.put('/v1/meetings/:meetingId/attendance', async (req, res) => {
    const { p, meeting } = await visibleMeeting(req);
    assertSecretary(p, meeting.committeeId, 'meeting');
    const { present } = parseBody(attendanceSchema, req.body);
    res.json(await recordAttendance(ctx, meeting.id, present, p.personId));
  });

  r.post('/v1/meetings/:meetingId/open', async (req, res) => {
    const { p, meeting } = await visibleMeeting(req);
    assertSecretary(p, meeting.committeeId, 'meeting');
    parseBody(noBody, req.body);
    res.json(await openMeeting(ctx, meeting.id));
  });

  r.post('/v1/meetings/:meetingId/close', async (req, res) => {
    const { p, meeting } = await visibleMeeting(req);
    assertSecretary(p, meeting.committeeId, 'meeting');
    parseBody(noBody, req.body);
    res.json(await closeMeeting(ctx, meeting.id));
  });

  return r;
}
