// Check `ballots`: every published ballot fits the vote definition (validateBallot).
import { validateBallot, type AnyVoteDefinition, type Ballot } from '../ballot.ts';
import { reasonZh } from '../errors.ts';
import { fail, pass, type Outcome } from './outcome.ts';

export function checkBallots(vote: { definition: AnyVoteDefinition; ballots: readonly unknown[]; wellFormed: readonly (Ballot | null)[] }): Outcome {
  const bad = vote.wellFormed.findIndex((b) => b === null);
  if (bad >= 0) {
    // Validate that ballot again, for the reason it does not fit.
    let why = '';
    let whyZh = '';
    try {
      validateBallot(vote.definition, vote.ballots[bad]);
    } catch (e) {
      why = (e as Error).message;
      whyZh = reasonZh(e);
    }
    return fail('ballot_invalid', `ballot ${bad}: ${why}`, `选票 #${bad} 不符合本次表决：${whyZh}`);
  }
  return pass(`${vote.ballots.length} ballots fit the vote`, `${vote.ballots.length} 张选票均符合本次表决`);
}
