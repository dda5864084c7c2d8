// Check `attendance`: 应到 is fixed by the roster when the vote was created, and the roster does
// not change while the vote is open; the meeting's attendance before the close names only
// active voting members and states the roster's 应到 at that moment; 实到 meets the quorum.
import { hasQuorum, type AnyVoteDefinition } from '../ballot.ts';
import type { ChainEntry } from '../chain.ts';
import { fail, pass, type Entry, type Outcome } from './outcome.ts';

export function checkAttendance(vote: {
  entries: readonly ChainEntry[];
  definition: Pick<AnyVoteDefinition, 'entitled' | 'meetingId' | 'rules'>;
  created: Pick<ChainEntry, 'seq'>;
  closed: Pick<ChainEntry, 'seq'>;
  attendance: Entry<'attendance.recorded'> | undefined;
  presentCount: number;
}): Outcome {
  const { entries, definition: def, created, closed, attendance, presentCount } = vote;
  const latestRoster = (seq: number) => entries.filter((e): e is Entry<'roster.changed'> => e.kind === 'roster.changed' && e.seq < seq).at(-1);
  const votingOf = (roster: Entry<'roster.changed'> | undefined) => (roster ? roster.body.members.filter((m) => m.votingRight && m.active) : []);
  const atCreation = votingOf(latestRoster(created.seq));
  if (atCreation.length !== def.entitled) {
    return fail(
      'attendance_inconsistent',
      `the roster before the vote has ${atCreation.length} active voting members, the vote states 应到 ${def.entitled}`,
      `表决前的名册有 ${atCreation.length} 名有表决权的在任委员，而表决所载应到 ${def.entitled}`,
    );
  }
  const change = entries.find((e) => e.kind === 'roster.changed' && e.seq > created.seq && e.seq < closed.seq);
  if (change)
    return fail(
      'attendance_inconsistent',
      `the roster changed (entry ${change.seq}) while the vote was open`,
      `表决进行期间名册发生变动（记录项 #${change.seq}）`,
    );
  if (!attendance)
    return fail(
      'attendance_inconsistent',
      `no attendance for meeting ${def.meetingId} before the vote closed`,
      `表决结束前没有会议 ${def.meetingId} 的出席记录`,
    );
  const voting = new Set(votingOf(latestRoster(closed.seq)).map((m) => m.memberId));
  const stranger = attendance.body.present.find((m) => !voting.has(m));
  if (stranger !== undefined)
    return fail(
      'attendance_inconsistent',
      `${stranger} is recorded present but is not an active voting member`,
      `${stranger} 被记为出席，但不是有表决权的在任委员`,
    );
  const atAttendance = votingOf(latestRoster(attendance.seq)).length;
  if (attendance.body.entitled !== atAttendance) {
    return fail(
      'attendance_inconsistent',
      `the attendance entry (seq ${attendance.seq}) states 应到 ${attendance.body.entitled}, the roster then had ${atAttendance}`,
      `出席记录（序号 ${attendance.seq}）所载应到 ${attendance.body.entitled}，而当时名册为 ${atAttendance} 人`,
    );
  }
  if (!hasQuorum(presentCount, def.entitled, def.rules.quorum)) {
    return fail(
      'quorum_not_met',
      `实到 ${presentCount} of 应到 ${def.entitled} is below the quorum ${def.rules.quorum.num}/${def.rules.quorum.den}`,
      `实到 ${presentCount}，应到 ${def.entitled}，未达法定人数 ${def.rules.quorum.num}/${def.rules.quorum.den}`,
    );
  }
  return pass(
    `应到 ${def.entitled}, 实到 ${presentCount} (attendance entry ${attendance.seq}), quorum ${def.rules.quorum.num}/${def.rules.quorum.den} met`,
    `应到 ${def.entitled}，实到 ${presentCount}（出席记录项 #${attendance.seq}），达到法定人数 ${def.rules.quorum.num}/${def.rules.quorum.den}`,
  );
}
