// Checks `confirmations` and `countersignatures` (version 2, close.ts): the members who cast
// confirmed the prepared close, and the meeting's inspectors (监票人) countersigned it.
import type { AnyVoteDefinition } from '../ballot.ts';
import type { ChainEntry, Issuance } from '../chain.ts';
import { compareStrings } from '../chain.ts';
import { confirmationMessage, countersignatureMessage, preparedHash, sealHash, unconfirmedCount, type MemberSignature } from '../close.ts';
import type { DevicePublicKey, DeviceSignatureCheck } from '../device-key.ts';
import { fail, pass, type Entry, type Outcome } from './outcome.ts';

type VerifySignatures = (checks: readonly DeviceSignatureCheck[]) => Promise<boolean[]>;

export interface CloseContext {
  entries: readonly ChainEntry[];
  definition: AnyVoteDefinition;
  closed: Entry<'vote.closed'>;
  attendance: Entry<'attendance.recorded'> | undefined;
  verify: VerifySignatures;
}

/** Devices enrolled (and not revoked) before `seq`, by member and fingerprint. */
function devicesBefore(entries: readonly ChainEntry[], seq: number): Map<string, DevicePublicKey> {
  const devices = new Map<string, DevicePublicKey>();
  for (const e of entries) {
    if (e.seq >= seq) break;
    if (e.kind === 'device.enrolled') devices.set(`${e.body.memberId}/${e.body.fingerprint}`, e.body.device);
    if (e.kind === 'device.revoked') devices.delete(`${e.body.memberId}/${e.body.fingerprint}`);
  }
  return devices;
}

/** The first index whose memberId is not strictly after the one before, or -1. */
function outOfOrder(list: readonly MemberSignature[]): number {
  for (let i = 1; i < list.length; i++) if (compareStrings(list[i - 1]!.memberId, list[i]!.memberId) >= 0) return i;
  return -1;
}

const missingV2 = (what: string, zh: string): Outcome =>
  fail('record_malformed', `the version 2 close entry carries no ${what}`, `第 2 版的 vote.closed 项缺少${zh}`);

/**
 * Each confirmation is by a member who received a token, signed with the device that asked for
 * it, over this vote's prepared close; and the ballots are no more than the confirmations plus
 * the unconfirmed ballots a recorded decision accepts. A minted ballot, or one replaced after
 * casting, has nobody to confirm it.
 */
export async function checkConfirmations(ctx: CloseContext, issuances: readonly Issuance[], ballotCount: number): Promise<Outcome> {
  const body = ctx.closed.body;
  if (body.confirmations === undefined || body.by === undefined || body.decision === undefined) return missingV2('confirmations', '成员确认');
  const confirmations = body.confirmations;
  const hash = preparedHash({ ...body, by: body.by });
  const bad = outOfOrder(confirmations);
  if (bad >= 0)
    return fail(
      'confirmation_invalid',
      `confirmation ${bad} (${confirmations[bad]!.memberId}) is out of order or repeats a member`,
      `成员确认 #${bad}（${confirmations[bad]!.memberId}）顺序不对或重复`,
    );
  const issuedTo = new Map(issuances.map((i) => [i.memberId, i]));
  const devices = devicesBefore(ctx.entries, ctx.closed.seq);
  const checks: DeviceSignatureCheck[] = [];
  for (const [i, c] of confirmations.entries()) {
    const issuance = issuedTo.get(c.memberId);
    if (!issuance)
      return fail(
        'confirmation_invalid',
        `confirmation ${i}: ${c.memberId} received no token for this vote`,
        `成员确认 #${i}：${c.memberId} 未申领本次表决的票证`,
      );
    const device = issuance.deviceFingerprint === c.deviceFingerprint ? devices.get(`${c.memberId}/${c.deviceFingerprint}`) : undefined;
    if (!device)
      return fail(
        'confirmation_invalid',
        `confirmation ${i}: not signed by the device that asked for ${c.memberId}'s token`,
        `成员确认 #${i}：不是由申领 ${c.memberId} 票证的设备签名`,
      );
    checks.push({ device, message: confirmationMessage(body.voteId, hash), signature: c.signature });
  }
  const results = await ctx.verify(checks);
  const forged = results.findIndex((ok) => ok !== true);
  if (forged >= 0 || results.length !== checks.length) {
    const i = forged >= 0 ? forged : results.length;
    return fail(
      'confirmation_invalid',
      `confirmation ${i}: the signature of ${confirmations[i]?.memberId} does not verify over this prepared close`,
      `成员确认 #${i}：${confirmations[i]?.memberId} 的签名对本次预备结果无效`,
    );
  }
  const missing = unconfirmedCount(ballotCount, confirmations.length);
  const decision = body.decision;
  if (decision !== null && decision.unconfirmed !== missing) {
    return fail(
      'decision_invalid',
      `the decision accepts ${decision.unconfirmed} unconfirmed ballots; ${missing} ballots lack a confirmation`,
      `决定接受 ${decision.unconfirmed} 张未确认选票，而实际有 ${missing} 张选票未获确认`,
    );
  }
  if (missing > 0 && decision === null) {
    return fail(
      'confirmations_missing',
      `收回 ${ballotCount} ballots but only ${confirmations.length} confirmations, and no recorded decision accepts the difference`,
      `收回 ${ballotCount} 张选票，只有 ${confirmations.length} 份成员确认，且没有接受差额的记录在案的决定`,
    );
  }
  const accepted = decision ? `; ${decision.unconfirmed} unconfirmed by the secretary's recorded decision: ${decision.reason}` : '';
  const acceptedZh = decision ? `；另有 ${decision.unconfirmed} 张未获确认，由秘书记录在案的决定接受：${decision.reason}` : '';
  return pass(
    `${confirmations.length} members confirmed their ballot is in (收回 ${ballotCount}, 发出 ${issuances.length})${accepted}`,
    `${confirmations.length} 名委员确认其选票在列（收回 ${ballotCount}，发出 ${issuances.length}）${acceptedZh}`,
  );
}

/**
 * The inspectors designated for the meeting (the latest designation before the close) are
 * present members, and each countersigned the sealed close with an enrolled device of theirs;
 * nobody else countersigned.
 */
export async function checkCountersignatures(ctx: CloseContext): Promise<Outcome> {
  const body = ctx.closed.body;
  if (body.countersignatures === undefined || body.confirmations === undefined || body.decision === undefined || body.by === undefined)
    return missingV2('countersignatures', '监票人签名');
  const designation = ctx.entries
    .filter(
      (e): e is Entry<'inspectors.designated'> => e.kind === 'inspectors.designated' && e.seq < ctx.closed.seq && e.body.meetingId === ctx.definition.meetingId,
    )
    .at(-1);
  if (!designation)
    return fail(
      'inspectors_missing',
      `no inspectors (监票人) were designated for meeting ${ctx.definition.meetingId} before the close`,
      `表决结束前未为会议 ${ctx.definition.meetingId} 指定监票人`,
    );
  const present = new Set(ctx.attendance?.body.present ?? []);
  const absent = designation.body.inspectors.find((m) => !present.has(m));
  if (absent !== undefined)
    return fail(
      'inspectors_missing',
      `inspector ${absent} (entry ${designation.seq}) is not recorded present`,
      `监票人 ${absent}（记录项 #${designation.seq}）未被记为出席`,
    );
  const signatures = body.countersignatures;
  const bad = outOfOrder(signatures);
  if (bad >= 0)
    return fail(
      'countersignature_invalid',
      `countersignature ${bad} (${signatures[bad]!.memberId}) is out of order or repeats a member`,
      `监票人签名 #${bad}（${signatures[bad]!.memberId}）顺序不对或重复`,
    );
  const inspectors = new Set(designation.body.inspectors);
  const devices = devicesBefore(ctx.entries, ctx.closed.seq);
  const hash = sealHash({
    voteId: body.voteId,
    preparedHash: preparedHash({ ...body, by: body.by }),
    confirmations: body.confirmations,
    decision: body.decision,
  });
  const checks: DeviceSignatureCheck[] = [];
  for (const [i, s] of signatures.entries()) {
    if (!inspectors.has(s.memberId))
      return fail(
        'countersignature_invalid',
        `countersignature ${i}: ${s.memberId} is not a designated inspector`,
        `监票人签名 #${i}：${s.memberId} 不是指定的监票人`,
      );
    const device = devices.get(`${s.memberId}/${s.deviceFingerprint}`);
    if (!device)
      return fail(
        'countersignature_invalid',
        `countersignature ${i}: device ${s.deviceFingerprint.slice(0, 16)}… is not an enrolled device of ${s.memberId}`,
        `监票人签名 #${i}：设备 ${s.deviceFingerprint.slice(0, 16)}… 不是 ${s.memberId} 的有效登记设备`,
      );
    checks.push({ device, message: countersignatureMessage(body.voteId, hash), signature: s.signature });
  }
  const results = await ctx.verify(checks);
  const forged = results.findIndex((ok) => ok !== true);
  if (forged >= 0 || results.length !== checks.length) {
    const i = forged >= 0 ? forged : results.length;
    return fail(
      'countersignature_invalid',
      `countersignature ${i}: the signature of ${signatures[i]?.memberId} does not verify over this sealed close`,
      `监票人签名 #${i}：${signatures[i]?.memberId} 的签名对本次封存结果无效`,
    );
  }
  const signed = new Set(signatures.map((s) => s.memberId));
  const unsigned = designation.body.inspectors.filter((m) => !signed.has(m));
  if (unsigned.length > 0)
    return fail(
      'countersignatures_missing',
      `inspector${unsigned.length > 1 ? 's' : ''} ${unsigned.join(', ')} did not countersign`,
      `监票人 ${unsigned.join('、')} 未签名`,
    );
  return pass(
    `all ${signatures.length} inspectors designated at entry ${designation.seq} countersigned`,
    `记录项 #${designation.seq} 指定的 ${signatures.length} 名监票人均已签名`,
  );
}
