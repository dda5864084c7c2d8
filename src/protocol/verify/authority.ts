// Check `authority` (version 2): every grant of power on the chain was made by an administrator
// the chain names, and the vote was created, and its attendance recorded, by a secretary the
// chain shows appointed (and not removed) at that moment. A secretary made by writing the
// database, without an appointment entry, fails here.
import type { AnyVoteDefinition } from '../ballot.ts';
import type { ChainEntry } from '../chain.ts';
import { fail, pass, type Entry, type Outcome } from './outcome.ts';

/** The acts only a secretary may do, as the report names them. */
const ACTS = {
  created: { en: 'the vote was created', zh: '表决的创建' },
  inspectors: { en: 'the inspectors were designated', zh: '监票人的指定' },
  attendance: { en: 'the attendance in force was recorded', zh: '现行出席记录的登记' },
  slips: { en: 'participation slips were issued', zh: '参会凭条的发放' },
  closed: { en: 'the vote was closed', zh: '表决的结束' },
  decision: { en: 'the decision on unconfirmed ballots was made', zh: '对未确认选票的决定' },
} as const;

export function checkAuthority(
  entries: readonly ChainEntry[],
  vote: { definition: AnyVoteDefinition; created: Entry<'vote.created'>; closed: Entry<'vote.closed'>; attendance: Entry<'attendance.recorded'> | undefined },
): Outcome {
  if (vote.definition.version !== 2) return pass('a version 1 record does not name who acted', '第 1 版记录不载明操作人');
  const admins = new Set<string>();
  const secretaries = new Set<string>();
  const secretary = (by: string | undefined, what: keyof typeof ACTS, seq: number): Outcome | null =>
    by !== undefined && secretaries.has(by)
      ? null
      : fail(
          'actor_not_secretary',
          `${ACTS[what].en} (entry ${seq}) by ${by ?? 'nobody named'}, who is not a secretary appointed on the chain`,
          `${ACTS[what].zh}（记录项 #${seq}）由 ${by ?? '未署名者'} 操作，此人不是哈希链上任命的秘书`,
        );
  let grants = 0;
  for (const e of entries) {
    if (e.seq >= vote.closed.seq) break;
    switch (e.kind) {
      case 'admin.granted':
        admins.add(e.body.personId);
        break;
      case 'secretary.appointed':
      case 'secretary.removed':
      case 'enrolment.issued': {
        grants++;
        if (!admins.has(e.body.by))
          return fail(
            'grant_unauthorised',
            `${e.kind} (entry ${e.seq}) by ${e.body.by}, who is not an administrator on the chain`,
            `${e.kind}（记录项 #${e.seq}）由 ${e.body.by} 操作，此人不是哈希链上的管理员`,
          );
        if (e.kind === 'secretary.appointed') secretaries.add(e.body.personId);
        if (e.kind === 'secretary.removed') {
          if (!secretaries.delete(e.body.personId))
            return fail(
              'grant_unauthorised',
              `secretary.removed (entry ${e.seq}) removes ${e.body.personId}, who is not a secretary`,
              `secretary.removed（记录项 #${e.seq}）移除 ${e.body.personId}，此人并非秘书`,
            );
        }
        break;
      }
      case 'vote.created':
        if (e.seq === vote.created.seq) {
          const bad = secretary(e.body.by, 'created', e.seq);
          if (bad) return bad;
        }
        break;
      case 'inspectors.designated':
        if (e.body.meetingId === vote.definition.meetingId) {
          const bad = secretary(e.body.by, 'inspectors', e.seq);
          if (bad) return bad;
        }
        break;
      // Issue 15: every slips.issued of the vote's meeting is a secretary's act.
      case 'slips.issued':
        if (e.body.meetingId === vote.definition.meetingId) {
          const bad = secretary(e.body.by, 'slips', e.seq);
          if (bad) return bad;
        }
        break;
      case 'attendance.recorded':
        if (e.seq === vote.attendance?.seq) {
          const bad = secretary(e.body.by, 'attendance', e.seq);
          if (bad) return bad;
        }
        break;
      default:
        break;
    }
  }
  // The close, and any decision to publish with unconfirmed ballots, by a secretary in office.
  const closer = secretary(vote.closed.body.by, 'closed', vote.closed.seq);
  if (closer) return closer;
  const decision = vote.closed.body.decision;
  if (decision) {
    const bad = secretary(decision.by, 'decision', vote.closed.seq);
    if (bad) return bad;
  }
  return pass(
    `vote created by secretary ${vote.created.body.by}; ${grants} grants, each by an administrator on the chain`,
    `表决由秘书 ${vote.created.body.by} 创建；${grants} 项授权，均由哈希链上的管理员作出`,
  );
}
