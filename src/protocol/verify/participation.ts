// Check `participation` (issue 15): a vote of a meeting of participants holding slips. Such a
// meeting has no member attendance: its 实到 is the number of participation slips issued, which
// the chain states in `slips.issued` entries (the latest before the close is in force), and its
// tokens went to slips, not to members' devices, so the close lists their blinded points
// (`slipTokens`) instead of issuances. Checked: the vote is of that kind exactly when its
// meeting had slips issued before the vote opened; the blinded points are distinct, sorted and
// valid; and 收回 ≤ 发出 ≤ slips issued ≤ 应到.
import type { AnyVoteDefinition } from '../ballot.ts';
import { compareStrings, type ChainEntry } from '../chain.ts';
import { fromBase64url } from '../encoding.ts';
import type { VerifyAccelerator } from './accelerator.ts';
import { invalidG1Points } from './issuances.ts';
import { fail, pass, type Entry, type Outcome } from './outcome.ts';

/** What a vote's record says of its participants. */
export interface Participation {
  /** The vote's meeting issued slips before the vote opened: a vote of participants. */
  slipsMeeting: boolean;
  /** The slips.issued entry in force at the close (the latest before it), if any. */
  inForce: Entry<'slips.issued'> | undefined;
  /** 实到: slips issued, by the entry in force (0 without one). */
  slipsIssued: number;
  /** 发出: the close's slip tokens (empty for a committee vote). */
  tokens: readonly string[];
}

export function participationOf(
  entries: readonly ChainEntry[],
  definition: AnyVoteDefinition,
  created: Entry<'vote.created'>,
  closed: Entry<'vote.closed'>,
): Participation {
  const slips = entries.filter((e): e is Entry<'slips.issued'> => e.kind === 'slips.issued' && e.body.meetingId === definition.meetingId && e.seq < closed.seq);
  const inForce = slips.at(-1);
  return {
    slipsMeeting: slips.some((e) => e.seq < created.seq),
    inForce,
    slipsIssued: inForce?.body.issued ?? 0,
    tokens: closed.body.slipTokens ?? [],
  };
}

/** Whether the report carries this check: only for a vote of participants, or a close that claims to be one. */
export function participationApplies(p: Participation, closed: Entry<'vote.closed'>): boolean {
  return p.slipsMeeting || closed.body.slipTokens !== undefined;
}

export async function checkParticipation(
  p: Participation,
  vote: { definition: AnyVoteDefinition; closed: Entry<'vote.closed'>; returned: number },
  accelerator?: Pick<VerifyAccelerator, 'invalidG1Points'>,
): Promise<Outcome> {
  const body = vote.closed.body;
  if (!p.slipsMeeting) {
    return fail(
      'slip_meeting_mismatch',
      `the close lists slip tokens, but meeting ${vote.definition.meetingId} issued no slips before the vote opened`,
      `结束记录列有参会凭条票证，但会议 ${vote.definition.meetingId} 在表决开始前未发放凭条`,
    );
  }
  if (body.slipTokens === undefined || body.issuances.length > 0) {
    return fail(
      'slip_meeting_mismatch',
      `meeting ${vote.definition.meetingId} is a meeting of participants holding slips: its close must list slip tokens and no member issuances`,
      `会议 ${vote.definition.meetingId} 为凭条参会的会议：结束记录须列出凭条票证，且不得有委员票证发放记录`,
    );
  }
  const tokens = p.tokens;
  for (let i = 1; i < tokens.length; i++) {
    if (compareStrings(tokens[i - 1]!, tokens[i]!) >= 0)
      return fail('slip_token_order', `slip token ${i} is out of order or repeats a blinded point`, `凭条票证 #${i} 顺序不对或盲化点重复`);
  }
  const points = tokens.map((t) => fromBase64url(t));
  const bad = accelerator?.invalidG1Points ? await accelerator.invalidG1Points(points) : invalidG1Points(points);
  if (bad.length > 0)
    return fail('slip_token_invalid', `slip token ${bad[0]}: the blinded point is not a valid G1 point`, `凭条票证 #${bad[0]}：盲化点不是有效的 G1 点`);
  const returned = vote.returned;
  const issued = tokens.length;
  const slips = p.slipsIssued;
  const entitled = vote.definition.entitled;
  const counts = `收回 ${returned}, 发出 ${issued}, slips issued ${slips}, 应到 ${entitled}`;
  const countsZh = `收回 ${returned}、发出 ${issued}、发放凭条 ${slips}、应到 ${entitled}`;
  if (returned > issued) return fail('ballots_exceed_tokens', `more ballots than tokens: ${counts}`, `收回多于发出：${countsZh}`);
  if (issued > slips) return fail('tokens_exceed_slips', `more tokens than slips issued: ${counts}`, `发出票证多于发放的凭条：${countsZh}`);
  if (slips > entitled) return fail('slips_exceed_entitled', `more slips issued than 应到: ${counts}`, `发放的凭条多于应到：${countsZh}`);
  return pass(
    `收回 ${returned} ≤ 发出 ${issued} ≤ slips issued ${slips} ≤ 应到 ${entitled} (slips entry ${p.inForce?.seq ?? '-'})`,
    `收回 ${returned} ≤ 发出 ${issued} ≤ 发放凭条 ${slips} ≤ 应到 ${entitled}（凭条记录项 #${p.inForce?.seq ?? '-'}）`,
  );
}

/** Check `attendance` for a meeting of participants: no roster and no quorum; 实到 is the slips issued. */
export function slipsAttendance(p: Participation): Outcome {
  return pass(
    `a meeting of participants holding slips: 实到 is the ${p.slipsIssued} slips issued (check participation)`,
    `凭条参会的会议：实到为发放的凭条 ${p.slipsIssued} 张（见凭条参会检查）`,
  );
}
