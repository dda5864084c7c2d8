// What a person reads when the service refuses something: one message per error code, in the
// language the page is in, saying what happened and what to do next. The API's problem+json
// (code, bilingual title, English detail) stays as it is for programs; people see this instead.
import type { ErrorCode } from '../errors.ts';

type Message = readonly [zh: string, en: string];

/** Every code the service can send (ERROR_CODES): the compiler holds the two lists together. */
export const MESSAGES: Record<ErrorCode, Message> = {
  malformed_json: ['请求格式有误，请刷新页面后重试。', 'The request was malformed; reload the page and try again.'],
  unsupported_media_type: ['请求格式有误，请刷新页面后重试。', 'The request was malformed; reload the page and try again.'],
  payload_too_large: ['提交的内容过长，请删减后重试。', 'What you sent is too long; shorten it and try again.'],
  json_too_deep: ['提交的数据格式异常，请刷新页面后重试。', 'What you sent is malformed; reload the page and try again.'],
  validation_failed: ['填写的内容不符合要求，请检查后重试。', 'Some of what you entered is not valid; check it and try again.'],
  route_not_found: ['页面与服务版本不一致，请刷新页面。', 'This page does not match the service; reload it.'],
  method_not_allowed: ['页面与服务版本不一致，请刷新页面。', 'This page does not match the service; reload it.'],
  unauthenticated: ['需要登录：请刷新页面重新登录。', 'You need to sign in: reload the page to sign in again.'],
  token_invalid: ['登录已过期，请刷新页面重新登录。', 'Your sign-in has expired; reload the page to sign in again.'],
  slip_invalid: [
    '这不是有效的参会凭条，请核对凭条或向会务人员索取新凭条。',
    'This is not a valid participation slip; check it, or ask the meeting staff for a new one.',
  ],
  slip_spent: [
    '这张凭条已被使用过，每张凭条只能在一部手机上使用一次。如有疑问，请联系会务人员。',
    'This slip has already been used: each slip works once, on one phone. Ask the meeting staff if this is wrong.',
  ],
  slip_voided: ['这张凭条已被作废，请向会务人员索取新凭条。', 'This slip was voided; ask the meeting staff for a new one.'],
  slips_limit: [
    '凭条数量超过本次会议的上限或应到人数，请先作废未发出的凭条。',
    'That would be more slips than this meeting allows, or than the number expected to attend; void unused slips first.',
  ],
  meeting_kind_mismatch: [
    '此操作不适用于这类会议（委员会议或凭条参会的会议）。',
    'This is not done in a meeting of this kind (of members, or of participants holding slips).',
  ],
  enrolment_code_invalid: [
    '登记码无效、已用或已过期，请向管理员索取新的登记码。',
    'The enrolment code is invalid, used or expired; ask the administrator for a new one.',
  ],
  challenge_invalid: ['登录未成功，请刷新页面重试。', 'Signing in did not succeed; reload the page and try again.'],
  device_revoked: [
    '设备已被吊销，不能再使用。请向管理员索取新的登记码，重新登记本设备。',
    'This device has been revoked. Ask the administrator for a new enrolment code and enrol it again.',
  ],
  forbidden: ['无权执行此操作：此操作只能由相应职责的人员办理。', 'You may not do this: it belongs to another role.'],
  share_invalid: [
    '分享链接无效：可能已被撤销、被改动，或不属于这份记录。请向秘书索取新的链接。',
    'This share link is not valid: it was revoked, altered, or is for another record. Ask the secretary for a new link.',
  ],
  share_not_yet_valid: [
    '这项表决尚未结束；分享链接在表决结束后方可查看记录。',
    'This vote is not closed yet; the share link opens its record once the vote is closed.',
  ],
  credentials_not_allowed: ['投票请求不得携带身份凭据，请刷新页面后重新投出。', 'A ballot must be sent without credentials; reload the page and cast again.'],
  not_found: ['要找的内容不存在或您无权查看，请返回上一页。', 'What you asked for does not exist or is not yours to see; go back.'],
  conflict: ['与已有内容冲突（可能已经存在），请刷新后查看。', 'This conflicts with something that already exists; reload and look.'],
  invalid_state: ['当前状态不允许此操作，请刷新页面查看最新状态。', 'Not allowed in the current state; reload the page to see where things stand.'],
  quorum_not_met: ['到会人数不足法定人数，请先登记实到人数。', 'Quorum is not met; record attendance first.'],
  already_bootstrapped: ['服务已初始化。', 'The service is already set up.'],
  token_already_issued: [
    '本人已领取过另一张选票，不能再领。如更换了手机，请联系秘书。',
    'A different ballot token was already issued to you; if you changed phones, tell the secretary.',
  ],
  ballot_conflict: ['这张选票已经以不同内容投出，不能更改。', 'This ballot was already cast with other marks and cannot be changed.'],
  not_eligible: [
    '您目前不能领票：须是本委员会有表决权的委员，且已登记到会。请联系秘书。',
    'You cannot receive a ballot now: you must be a voting member recorded present. Ask the secretary.',
  ],
  invalid_point: ['选票数据无效，请刷新页面后重试。', 'The ballot data is invalid; reload the page and try again.'],
  invalid_signature: ['签名无效，请刷新页面后重试。', 'A signature is invalid; reload the page and try again.'],
  invalid_ballot_signature: [
    '选票签名无效，未被接受。请向会务工作人员求助。',
    'The ballot signature is invalid and the ballot was not accepted; ask the meeting staff for help.',
  ],
  invalid_ballot: ['选票格式无效，请刷新页面后重新填写。', 'The ballot is malformed; reload the page and mark it again.'],
  candidate_ratio_too_low: [
    '差额人选不足：候选人数须达到应选人数的规定倍数，请增加候选人。',
    'Too few candidates for the seats under the committee’s ratio; add candidates.',
  ],
  invalid_length: ['数据长度不符，请刷新页面后重试。', 'Data of the wrong length; reload the page and try again.'],
  invalid_encoding: ['数据编码无效，请刷新页面后重试。', 'Invalid data encoding; reload the page and try again.'],
  invalid_scalar: ['数据无效，请刷新页面后重试。', 'Invalid data; reload the page and try again.'],
  invalid_key: ['设备公钥无效，请换用本机浏览器重新登记。', 'The device key is invalid; enrol again in this phone’s browser.'],
  invalid_definition: ['表决内容无效，请检查职务、应选人数和候选人。', 'The vote is not valid; check posts, seats and candidates.'],
  invalid_entry: ['记录条目无效。', 'A record entry is invalid.'],
  item_mix_invalid: [
    '民主推荐或民主测评须单独作为一项投票，不能与其他事项合并。',
    'A recommendation or evaluation must be a vote of its own, with no other item.',
  ],
  invalid_composite: [
    '综合测评设置无效：请检查三个测评来源、权重（合计 100）和各等次分值。',
    'The composite evaluation is not valid: check the three sources, the weights (summing to 100) and the grade points.',
  ],
  composite_mismatch: ['综合测评结果与按三个测评来源重新计算的结果不一致。', 'The composite differs from the one recomputed from its three sources.'],
  actor_not_secretary: ['发布人不是哈希链上任命的秘书。', 'The publisher is not a secretary appointed on the chain.'],
  composite_source_foreign: ['所选测评不是本委员会的表决，不能纳入综合测评。', 'A chosen evaluation is not a vote of this committee and cannot be combined.'],
  composite_source_used: [
    '所选测评已纳入一项已发布的综合测评；综合测评一经发布不再重算。',
    'A chosen evaluation is already part of a published composite; a published composite is never recomputed.',
  ],
  composite_source_not_closed: [
    '所选测评尚未结束并公布结果，请结束后再计算综合测评。',
    'A chosen evaluation has not closed with a published result; close it first.',
  ],
  composite_source_not_evaluation: ['所选表决不是民主测评，不能纳入综合测评。', 'A chosen vote is not an evaluation and cannot be combined.'],
  database_unavailable: [
    '服务暂时繁忙或数据库暂不可用，请稍候片刻再试；选票等内容会自动重试。',
    'The service is busy or its database is briefly unavailable; wait a moment and try again (ballots are retried by themselves).',
  ],
  all_returned: ['本次表决发出的选票已全部收回，不再接受新的选票。', 'Every ballot issued for this vote has been returned; no further ballot is accepted.'],
  cast_queue_full: ['投票人多，正在排队验票；选票会自动重试，请稍候。', 'Many ballots are being checked; yours is retried by itself, wait a moment.'],
  rate_limited: [
    '本网络地址发出的请求过多，请稍候片刻；选票会自动重试。',
    'Too many requests from this network address; wait a moment (ballots are retried by themselves).',
  ],
  shutting_down: ['服务正在重启，请稍候片刻再试。', 'The service is restarting; try again in a moment.'],
  enrolment_blocked: [
    '本委员会有表决正在进行，暂不能登记新设备。请在表决结束后再登记。',
    'A vote of your committee is in progress, so no new device can be enrolled now; enrol once it has closed.',
  ],
  device_too_new: [
    '本设备是在这项表决创建之后登记的，不能领取这项表决的选票。请使用原来的设备，或联系秘书。',
    'This device was enrolled after the vote was created, so it cannot receive this vote’s ballot; use your earlier device or ask the secretary.',
  ],
  wrong_device: ['请用领取这张选票的那台设备确认。', 'Confirm with the device that received your ballot token.'],
  confirmations_missing: [
    '还有选票未获投票人确认。请等待，或写明原因后再提交监票人签字。',
    'Some ballots have no confirmation yet. Wait, or give a reason and send the result to the inspectors.',
  ],
  inspectors_missing: ['请先指定出席本次会议的监票人。', 'Designate inspectors who are present at this meeting first.'],
  internal: [
    '服务出现内部错误，请稍后重试；如仍不行，请联系管理员。',
    'The service had an internal error; try again shortly, and tell the administrator if it persists.',
  ],
};

export function messageFor(code: string): Message | undefined {
  return Object.hasOwn(MESSAGES, code) ? MESSAGES[code as ErrorCode] : undefined;
}
