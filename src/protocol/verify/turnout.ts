// Check `turnout`: 收回 ≤ 发出 ≤ 实到 ≤ 应到 (returned ballots, issued tokens, present, entitled).
// 发出 and 实到 are the members' issuances and attendance, or a meeting of participants' slip
// tokens and slips issued (verify/vote.ts reads which).
import { fail, pass, type Outcome } from './outcome.ts';

export function checkTurnout(vote: { ballots: readonly unknown[]; issuedCount: number; presentCount: number; definition: { entitled: number } }): Outcome {
  const returned = vote.ballots.length;
  const issued = vote.issuedCount;
  const present = vote.presentCount;
  const entitled = vote.definition.entitled;
  if (!(returned <= issued && issued <= present && present <= entitled)) {
    return fail(
      'turnout_inconsistent',
      `收回 ${returned}, 发出 ${issued}, 实到 ${present}, 应到 ${entitled}`,
      `收回 ${returned}、发出 ${issued}、实到 ${present}、应到 ${entitled} 不满足 收回 ≤ 发出 ≤ 实到 ≤ 应到`,
    );
  }
  return pass(
    `收回 ${returned} ≤ 发出 ${issued} ≤ 实到 ${present} ≤ 应到 ${entitled}`,
    `收回 ${returned} ≤ 发出 ${issued} ≤ 实到 ${present} ≤ 应到 ${entitled}`,
  );
}
