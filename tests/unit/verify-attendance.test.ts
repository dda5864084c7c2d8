// Check `attendance` alone: 应到 from the roster at creation, no roster change while open,
// attendance of active voting members, and the quorum.
import { describe, expect, it } from 'vitest';
import type { ChainEntry } from '../../src/protocol/chain.ts';
import { checkAttendance } from '../../src/protocol/verify/attendance.ts';
import { RULES } from '../../testkit/protocol-scenario.ts';
import { entry, members } from '../helpers/verify-entries.ts';

const definition = { entitled: 3, meetingId: 'mt-1', rules: RULES };
const roster = entry(0, 'roster.changed', { members: members('m-1', 'm-2', 'm-3') });
const present = (seq: number, ids: string[], entitled = 3) => entry(seq, 'attendance.recorded', { meetingId: 'mt-1', present: ids, entitled });
const check = (entries: ChainEntry[], attendance = entries.find((e): e is ReturnType<typeof present> => e.kind === 'attendance.recorded'), def = definition) =>
  checkAttendance({ entries, definition: def, created: { seq: 1 }, closed: { seq: 9 }, attendance, presentCount: attendance?.body.present.length ?? 0 });

describe('check attendance', () => {
  it('passes 应到 3, 实到 2 with a quorum of 2/3', () => {
    expect(check([roster, present(2, ['m-1', 'm-2'])])).toMatchObject({ ok: true });
  });
  it('when 应到 is not the roster at creation / fails with attendance_inconsistent', () => {
    expect(check([roster, present(2, ['m-1', 'm-2'])], undefined, { ...definition, entitled: 4 })).toMatchObject({
      ok: false,
      code: 'attendance_inconsistent',
    });
  });
  it('when the roster changes while the vote is open / fails with attendance_inconsistent', () => {
    expect(check([roster, present(2, ['m-1', 'm-2']), entry(3, 'roster.changed', { members: members('m-1', 'm-2', 'm-3') })])).toMatchObject({
      ok: false,
      code: 'attendance_inconsistent',
      detail: 'the roster changed (entry 3) while the vote was open',
    });
  });
  it('when no attendance was recorded / fails with attendance_inconsistent', () => {
    expect(check([roster])).toMatchObject({ ok: false, code: 'attendance_inconsistent' });
  });
  it('when someone not on the roster is recorded present / fails with attendance_inconsistent', () => {
    expect(check([roster, present(2, ['m-1', 'x-9'])])).toMatchObject({
      ok: false,
      code: 'attendance_inconsistent',
      detail: 'x-9 is recorded present but is not an active voting member',
    });
  });
  it('when the attendance states another 应到 than the roster then / fails with attendance_inconsistent', () => {
    expect(check([roster, present(2, ['m-1', 'm-2'], 5)])).toMatchObject({ ok: false, code: 'attendance_inconsistent' });
  });
  it('when 实到 is below the quorum / fails with quorum_not_met', () => {
    expect(check([roster, present(2, ['m-1'])])).toMatchObject({ ok: false, code: 'quorum_not_met' });
  });
});
