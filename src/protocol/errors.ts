// The protocol core's own coded errors. Pure: the HTTP layer (src/http) maps each code to a
// status and a problem document; nothing here knows about HTTP. Codes are a closed list so a
// caller can switch on them exhaustively.

/**
 * Why protocol input was refused.
 * - `invalid_length`   a byte string had the wrong length (detail names the field) → 422
 * - `invalid_encoding` a value was not strict base64url / hex / the expected JSON shape → 422
 * - `invalid_point`    a curve point was not a canonical compressed point on the curve, in the
 *                      prime-order subgroup and not the identity → 422
 * - `invalid_scalar`   a scalar (secret key, blinding factor) was zero or ≥ the group order → 422
 * - `invalid_key`      a public key (vote key) failed strict decoding → 422
 * - `invalid_signature` a token, receipt or tally signature did not verify → 422
 * - `invalid_ballot`   a ballot does not fit its vote definition (detail names the field) → 422
 * - `invalid_definition` a vote definition is malformed (ids, seats, marks, rules) → 422
 * - `candidate_ratio_too_low` a differential item has fewer candidates than the ratio requires → 422
 * - `item_mix_invalid` a vote mixes shapes it may not: a recommendation or evaluation item must be
 *                      the vote's only item, in a version 2 definition → 422
 * - `invalid_composite` a 三元测评 composite's weights, points or sources are malformed, or the
 *                      source records do not fit together (not evaluations, other cadres or grades) → 422
 * - `composite_mismatch` a published composite differs from the one recomputed from its sources → 422
 * - `actor_not_secretary` a composite names as publisher someone its chain does not show as secretary → 422
 * - `invalid_entry`    a chain entry or its body is malformed, or links to the wrong predecessor → 422
 * - `invalid_randomness` the caller's randomBytes returned the wrong number of bytes → 500 (caller bug)
 */
export const PROTOCOL_ERROR_CODES = [
  'invalid_length',
  'invalid_encoding',
  'invalid_point',
  'invalid_scalar',
  'invalid_key',
  'invalid_signature',
  'invalid_ballot',
  'invalid_definition',
  'candidate_ratio_too_low',
  'item_mix_invalid',
  'invalid_composite',
  'composite_mismatch',
  'actor_not_secretary',
  'invalid_entry',
  'invalid_randomness',
] as const;

export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/** What each code means, in Chinese: the fallback for an error thrown without its own Chinese text. */
const CODE_ZH: Record<ProtocolErrorCode, string> = {
  invalid_length: '长度不正确',
  invalid_encoding: '编码不正确',
  invalid_point: '不是有效的曲线点',
  invalid_scalar: '不是有效的标量',
  invalid_key: '不是有效的公钥',
  invalid_signature: '签名无效',
  invalid_ballot: '选票不符合本次表决',
  invalid_definition: '表决定义格式不正确',
  candidate_ratio_too_low: '人选比例不足',
  item_mix_invalid: '事项类型搭配不允许',
  invalid_composite: '综合测评定义不正确',
  composite_mismatch: '综合测评结果与重新计算的不一致',
  actor_not_secretary: '操作人不是哈希链上任命的秘书',
  invalid_entry: '记录项格式不正确',
  invalid_randomness: '随机数来源返回的字节数不正确',
};

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  /** The offending field as a dotted path (`items.0.candidates`), where there is one. */
  readonly field: string | undefined;
  /**
   * The same reason in Chinese (the observer's report shows it). Field paths and identifiers
   * stay as they are; everything else is Chinese. When the thrower gives none, it is the
   * field followed by what the code means (CODE_ZH).
   */
  readonly messageZh: string;

  constructor(code: ProtocolErrorCode, detail: string, options: { field?: string; cause?: unknown; zh?: string } = {}) {
    super(detail, { cause: options.cause });
    this.name = 'ProtocolError';
    this.code = code;
    this.field = options.field;
    this.messageZh = options.zh ?? (options.field ? `${options.field} ${CODE_ZH[code]}` : CODE_ZH[code]);
  }
}

/**
 * The Chinese reason of anything thrown: a ProtocolError's messageZh; for any other error (a
 * library's, in English) a fixed Chinese sentence — its English message stays in `detail`.
 */
export function reasonZh(e: unknown): string {
  return e instanceof ProtocolError ? e.messageZh : '内部处理出错（英文说明中有原始信息）';
}

/** Source of randomness the caller passes in (WebCrypto getRandomValues, node:crypto, or a seeded test stream). */
export type RandomBytes = (n: number) => Uint8Array;

/** Draws n bytes and checks the caller's source returned exactly n. */
export function drawBytes(randomBytes: RandomBytes, n: number, field: string): Uint8Array {
  const out = randomBytes(n);
  if (!(out instanceof Uint8Array) || out.length !== n) {
    throw new ProtocolError('invalid_randomness', `randomBytes(${n}) for ${field} returned the wrong length`, {
      field,
      zh: `为 ${field} 取 ${n} 字节随机数时返回的长度不正确`,
    });
  }
  return out;
}

/** Named byte-length check before any math runs (noble's abytes habit). */
export function abytes(value: unknown, length: number, field: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new ProtocolError('invalid_encoding', `${field} must be bytes`, { field, zh: `${field} 必须是字节串` });
  if (value.length !== length) {
    throw new ProtocolError('invalid_length', `${field} must be ${length} bytes, got ${value.length}`, {
      field,
      zh: `${field} 应为 ${length} 字节，实为 ${value.length} 字节`,
    });
  }
  return value;
}
