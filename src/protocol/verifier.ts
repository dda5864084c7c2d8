// The observer's verifier: trusts nothing but the record it is given and the service's public
// JWKS. Pure and isomorphic (CLI and browser). Every field of the record is attacker-controlled:
// each check catches its own failures and reports a code; verifyRecord never throws on input.
//
// This module is the driver. The checks live one per module in ./verify/; three stages extend
// the state (record → RecordState, chain → head, vote → VoteState) and every later check reads
// the VoteState and returns an Outcome. A new check is one line in VOTE_CHECKS below, plus its
// id and names in verify/codes.ts (which fixes the report order).
import { reasonZh } from './errors.ts';
import type { ChainHead } from './chain.ts';
import type { Tally } from './tally.ts';
import type { ProtocolVersion } from './version.ts';
import { inPlaceAccelerator, type ProgressCallback, type ProgressPhase } from './verify/accelerator.ts';
import { checkAttendance } from './verify/attendance.ts';
import { checkAuthority } from './verify/authority.ts';
import { checkBallotOrder } from './verify/ballot-order.ts';
import { checkBallotSignatures } from './verify/ballot-signatures.ts';
import { checkBallots } from './verify/ballots.ts';
import { checkChain } from './verify/chain.ts';
import { checkConfirmations, checkCountersignatures, type CloseContext } from './verify/close.ts';
import { CHECKS, type Check, type CheckId, type VerificationReport } from './verify/codes.ts';
import { checkIssuances } from './verify/issuances.ts';
import { fail, type Outcome } from './verify/outcome.ts';
import { checkPinned } from './verify/pinned-head.ts';
import { readRecord } from './verify/record.ts';
import { checkRules } from './verify/rules.ts';
import { checkParticipation, participationApplies, slipsAttendance } from './verify/participation.ts';
import type { VerifyEnv, VerifyOptions, VoteCheck, VoteState } from './verify/state.ts';
import { checkTallySignature } from './verify/tally-signature.ts';
import { checkTally } from './verify/tally.ts';
import { checkTokenSignatures } from './verify/token-signatures.ts';
import { checkTokensUnique } from './verify/tokens-unique.ts';
import { checkTurnout } from './verify/turnout.ts';
import { findVote, voteState } from './verify/vote.ts';

export type { Check, VerificationCode, VerificationReport } from './verify/codes.ts';
export { inPlaceAccelerator } from './verify/accelerator.ts';
export type { VerifyAccelerator } from './verify/accelerator.ts';
export type { VerifyOptions } from './verify/state.ts';

/** A check on the found vote; `since: 2` marks a check only version 2 records have. */
interface VoteStep extends VoteCheck {
  id: CheckId;
  since?: 2;
}

const closeContext = (v: VoteState, env: VerifyEnv): CloseContext => ({ ...v, verify: (checks) => env.accelerator.deviceSignatures(checks) });

/** The checks that run once the vote is known, in this order. */
const VOTE_CHECKS: readonly VoteStep[] = [
  { id: 'rules', run: (v) => checkRules(v.entries, v.created, v.definition) },
  { id: 'authority', run: (v) => checkAuthority(v.entries, v) },
  { id: 'attendance', run: (v) => (v.participation.slipsMeeting ? slipsAttendance(v.participation) : checkAttendance(v)) },
  { id: 'issuances', run: checkIssuances },
  { id: 'turnout', run: checkTurnout },
  {
    id: 'participation',
    run: (v, env) => checkParticipation(v.participation, { definition: v.definition, closed: v.closed, returned: v.ballots.length }, env.accelerator),
  },
  { id: 'ballots', run: checkBallots },
  { id: 'ballotOrder', run: checkBallotOrder },
  { id: 'tokensUnique', run: checkTokensUnique },
  { id: 'tokenSignatures', run: checkTokenSignatures },
  { id: 'ballotSignatures', since: 2, run: checkBallotSignatures },
  { id: 'confirmations', since: 2, run: (v, env) => checkConfirmations(closeContext(v, env), v.issuances, v.ballots.length) },
  { id: 'countersignatures', since: 2, run: (v, env) => checkCountersignatures(closeContext(v, env)) },
  { id: 'tally', run: checkTally },
  { id: 'tallySignature', run: (v, env) => checkTallySignature(v, env.options.jwks) },
];

const V2_ONLY = new Set(VOTE_CHECKS.filter((c) => c.since === 2).map((c) => c.id));
const ORDER = Object.keys(CHECKS) as CheckId[];

/**
 * Whether a report lists this check: pinnedHead only with a pin; version 2 checks not for a
 * version 1 vote; countersignatures not for an inspector checking before countersigning;
 * participation only for a vote of participants holding slips (or a close claiming to be one).
 */
function reported(id: CheckId, version: ProtocolVersion | null, options: VerifyOptions, slips: boolean): boolean {
  if (id === 'participation') return slips;
  if (id === 'pinnedHead') return Boolean(options.pinnedHead);
  if (id === 'countersignatures' && options.beforeCountersigning) return false;
  return !(version === 1 && V2_ONLY.has(id));
}

/** A check that trips over malformed input fails; it never takes the verifier down. */
async function attempt<T>(body: () => T | Promise<T>, failed: (o: Outcome) => T): Promise<T> {
  try {
    return await body();
  } catch (e) {
    return failed(fail('record_malformed', `unexpected input: ${(e as Error)?.message ?? String(e)}`, `输入异常：${reasonZh(e)}`));
  }
}

export async function verifyRecord(record: unknown, options: VerifyOptions): Promise<VerificationReport> {
  const checks: Check[] = [];
  const add = (id: CheckId, o: Outcome) => checks.push({ id, ...o, ...CHECKS[id] });
  // The vote's protocol version, once its definition is read.
  let version: ProtocolVersion | null = null;
  // Whether the vote is one of participants holding slips, once the vote is read (issue 15).
  let slips = false;
  /** The report: every check it lists, in the documented order; those that did not run fail with not_checked. */
  const finish = (head: ChainHead | null, tally: Tally | null, skipped = { en: 'not checked', zh: '未检查' }): VerificationReport => {
    const seen = new Set(checks.map((c) => c.id));
    for (const id of ORDER) if (!seen.has(id) && reported(id, version, options, slips)) add(id, fail('not_checked', skipped.en, skipped.zh));
    checks.sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
    return { ok: checks.every((c) => c.ok), checks, head, tally, version };
  };

  const read = readRecord(record);
  add('record', read.outcome);
  if (!read.next) return finish(null, null, { en: 'not checked: the record is malformed', zh: '未检查：记录格式不正确' });
  const state = read.next;

  const chain = await attempt(
    () => checkChain(state),
    (outcome) => ({ outcome, next: null }),
  );
  add('chain', chain.outcome);
  const pin = options.pinnedHead;
  if (pin)
    add(
      'pinnedHead',
      await attempt(
        () => checkPinned(state.entries, pin),
        (o) => o,
      ),
    );

  const found = await attempt(
    () => findVote(state),
    (outcome) => ({ outcome, next: null, version: null }),
  );
  version = found.version;
  add('vote', found.outcome);
  if (!found.next) return finish(chain.next, null, { en: 'not checked: no valid vote', zh: '未检查：没有有效的表决' });

  const env: VerifyEnv = {
    options,
    accelerator: options.accelerator ?? inPlaceAccelerator(options.randomBytes),
    progress: (phase: ProgressPhase): ProgressCallback | undefined => {
      const onProgress = options.onProgress;
      return onProgress ? (done, total) => onProgress({ phase, done, total }) : undefined;
    },
  };
  const vote = voteState(state, found.next, env);
  slips = participationApplies(vote.participation, vote.closed);
  for (const check of VOTE_CHECKS) {
    if (reported(check.id, version, options, slips))
      add(
        check.id,
        await attempt(
          () => check.run(vote, env),
          (o) => o,
        ),
      );
  }
  // The tally as published, for display: it is what the tally check recounted, and trusted only when the report is ok.
  return finish(chain.next, vote.tally as Tally);
}
