// One error class for the whole service, with a closed list of codes. Only the HTTP error
// handler (src/http/problem.ts) turns a code into a status and an RFC 9457 problem document.
// Pure: no node imports, so the protocol core and the browser may use it too.
//
// The protocol core throws its own coded error (ProtocolError, src/protocol/errors.ts) and stays
// free of service concerns; PROTOCOL_TO_SERVICE ties its code list to this one at compile time:
// a protocol code without a service code here does not compile.
import type { ProtocolErrorCode } from './protocol/errors.ts';

export const ERROR_CODES = {
  // request shape
  malformed_json: { status: 400, title: '请求体不是合法的 JSON / Malformed JSON body' },
  unsupported_media_type: { status: 415, title: '仅接受 application/json / Unsupported media type' },
  payload_too_large: { status: 413, title: '请求体过大 / Payload too large' },
  json_too_deep: { status: 400, title: '请求体 JSON 嵌套过深 / JSON body nested too deeply' },
  validation_failed: { status: 400, title: '请求参数无效 / Request validation failed' },
  route_not_found: { status: 404, title: '路径不存在 / No such route' },
  method_not_allowed: { status: 405, title: '不支持该方法 / Method not allowed' },
  // authentication and authorisation
  unauthenticated: { status: 401, title: '需要登录 / Authentication required' },
  token_invalid: { status: 401, title: '令牌无效或已过期 / Invalid or expired token' },
  slip_invalid: { status: 401, title: '参会凭条无效 / Not a participation code' },
  enrolment_code_invalid: { status: 401, title: '登记码无效、已用或已过期 / Enrolment code invalid, used or expired' },
  challenge_invalid: { status: 401, title: '登录挑战无效或签名不符 / Login challenge invalid or signature mismatch' },
  device_revoked: { status: 401, title: '设备已被吊销 / Device revoked' },
  forbidden: { status: 403, title: '无权执行此操作 / Forbidden' },
  share_invalid: { status: 403, title: '分享链接无效、已撤销或不属于此记录 / Share link invalid, revoked or for another record' },
  share_not_yet_valid: { status: 403, title: '表决结束后分享链接方可使用 / The share link opens the record once the vote is closed' },
  credentials_not_allowed: { status: 400, title: '投票请求不得携带身份凭据 / Cast requests must carry no credentials' },
  // resources and state
  not_found: { status: 404, title: '对象不存在 / Not found' },
  conflict: { status: 409, title: '与现有数据冲突 / Conflict with existing data' },
  invalid_state: { status: 409, title: '当前状态不允许此操作 / Not allowed in the current state' },
  quorum_not_met: { status: 409, title: '到会人数不足法定人数 / Quorum not met' },
  already_bootstrapped: { status: 409, title: '服务已初始化 / Service already bootstrapped' },
  token_already_issued: { status: 409, title: '本人已领取另一票证 / A different token was already issued to this member' },
  all_returned: { status: 409, title: '收回票数已等于发出票数 / Every issued ballot has been returned' },
  ballot_conflict: { status: 409, title: '该票证已用于内容不同的选票 / Token already spent on a different ballot' },
  enrolment_blocked: {
    status: 409,
    title: '本人所在委员会有进行中的表决，暂不能登记设备 / A vote of this member’s committee is under way: no device can be enrolled now',
  },
  device_too_new: { status: 409, title: '此设备在表决创建之后登记，不能为该表决领票 / This device was enrolled after the vote was created' },
  wrong_device: { status: 409, title: '请用领取选票的设备确认 / Confirm with the device that received the ballot token' },
  confirmations_missing: { status: 409, title: '尚有选票未获投票人确认 / Some ballots have no confirmation yet' },
  inspectors_missing: { status: 409, title: '未指定监票人或监票人未出席 / No inspectors designated, or one is not present' },
  // participation slips (issue 15)
  slip_spent: { status: 409, title: '参会凭条已被使用 / This participation slip has already been used' },
  slip_voided: { status: 409, title: '参会凭条已作废 / This participation slip was voided' },
  slips_limit: { status: 409, title: '凭条数量超过上限或应到人数 / Too many slips for this meeting' },
  meeting_kind_mismatch: { status: 409, title: '会议类型不符 / Not allowed for a meeting of this kind' },
  not_eligible: { status: 403, title: '不具备领票资格 / Not eligible for a ballot token' },
  // protocol input
  invalid_point: { status: 422, title: '曲线点无效 / Invalid curve point' },
  invalid_signature: { status: 422, title: '签名无效 / Invalid signature' },
  invalid_ballot: { status: 422, title: '选票格式无效 / Malformed ballot' },
  invalid_ballot_signature: { status: 422, title: '选票签名无效 / Ballot signature does not verify' },
  candidate_ratio_too_low: { status: 422, title: '差额人选不足 / Too few candidates for a differential item' },
  invalid_length: { status: 422, title: '字节长度不符 / Wrong byte length' },
  invalid_encoding: { status: 422, title: '编码无效 / Invalid encoding' },
  invalid_scalar: { status: 422, title: '标量无效 / Invalid scalar' },
  invalid_key: { status: 422, title: '公钥无效 / Invalid public key' },
  invalid_definition: { status: 422, title: '表决定义无效 / Invalid vote definition' },
  invalid_entry: { status: 422, title: '记录条目无效 / Invalid record entry' },
  item_mix_invalid: { status: 422, title: '事项类型搭配不允许 / A recommendation or evaluation item must be the vote’s only item' },
  invalid_composite: { status: 422, title: '综合测评定义无效 / Invalid composite evaluation' },
  composite_mismatch: { status: 422, title: '综合测评结果与重新计算的不一致 / Composite differs from its recomputation' },
  actor_not_secretary: { status: 422, title: '操作人不是哈希链上的秘书 / The actor is not a secretary on the chain' },
  // 三元测评 composites (issue 15): the sources the secretary names
  composite_source_foreign: { status: 422, title: '测评来源不是本委员会的表决 / A source is not a vote of this committee' },
  composite_source_not_closed: { status: 409, title: '测评来源尚未结束并公布 / A source vote is not closed and published' },
  composite_source_not_evaluation: { status: 422, title: '测评来源不是民主测评 / A source vote is not an evaluation' },
  composite_source_used: { status: 409, title: '测评来源已纳入已发布的综合测评 / A source is already part of a published composite' },
  // one client (one address) has sent more than its share; Retry-After says when to send again
  rate_limited: { status: 429, title: '请求过于频繁，请稍后重试 / Too many requests from this address, retry later' },
  // the database cannot serve right now; the same request may succeed later (Retry-After)
  database_unavailable: { status: 503, title: '数据库暂时不可用，请稍后重试 / Database temporarily unavailable, retry later' },
  cast_queue_full: { status: 503, title: '验票繁忙，请稍后重试 / Ballot checks are busy, retry later' },
  shutting_down: { status: 503, title: '服务正在停止，请稍后重试 / Service shutting down, retry later' },
  // last resort: never carries internal detail to a client
  internal: { status: 500, title: '服务内部错误 / Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  /** The offending input field, as a JSON pointer or dotted path, where there is one. */
  readonly field: string | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail?: string, options: { field?: string; cause?: unknown; extra?: Record<string, unknown> } = {}) {
    super(detail ?? ERROR_CODES[code].title, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.extra = options.extra;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/**
 * The service code a protocol error reaches the client as: the same code (protocol input is the
 * client's fault), except invalid_randomness, which is the service's own bug and stays internal.
 */
export const PROTOCOL_TO_SERVICE = {
  invalid_length: 'invalid_length',
  invalid_encoding: 'invalid_encoding',
  invalid_point: 'invalid_point',
  invalid_scalar: 'invalid_scalar',
  invalid_key: 'invalid_key',
  invalid_signature: 'invalid_signature',
  invalid_ballot: 'invalid_ballot',
  invalid_definition: 'invalid_definition',
  candidate_ratio_too_low: 'candidate_ratio_too_low',
  item_mix_invalid: 'item_mix_invalid',
  invalid_composite: 'invalid_composite',
  composite_mismatch: 'composite_mismatch',
  invalid_entry: 'invalid_entry',
  invalid_randomness: 'internal',
  actor_not_secretary: 'actor_not_secretary',
} as const satisfies Record<ProtocolErrorCode, ErrorCode>;
