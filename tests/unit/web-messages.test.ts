// The messages people read for each error code: one per code the service can send, Chinese
// without English mixed in, English without Chinese, and each says what to do next.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.ts';
import { MESSAGES, messageFor } from '../../src/web/messages.ts';
import { ApiError } from '../../src/web/api.ts';
import { errorText } from '../../src/web/ui.ts';

describe('error messages for people', () => {
  it('has exactly one message for every code in ERROR_CODES', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it.each(Object.entries(MESSAGES))('%s: Chinese has no English words, English has no Chinese', (_code, [zh, en]) => {
    expect(zh).not.toMatch(/[A-Za-z]{2,}/);
    expect(en).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('tells a member with a spent code what to do next', () => {
    expect(messageFor('enrolment_code_invalid')![0]).toBe('登记码无效、已用或已过期，请向管理员索取新的登记码。');
    expect(messageFor('no_such_code')).toBeUndefined();
    expect(messageFor('toString')).toBeUndefined();
  });

  it('errorText shows only the Chinese message on a Chinese page, never the API title or English detail appended', () => {
    const e = new ApiError(401, 'enrolment_code_invalid', '登记码无效、已用或已过期 / Enrolment code invalid, used or expired', 'The code is unknown.');
    expect(errorText(e)).toBe('登记码无效、已用或已过期，请向管理员索取新的登记码。');
    const unknown = new ApiError(418, 'brand_new_code', '新错误 / Brand new error', 'Some English detail.');
    expect(errorText(unknown)).toBe('新错误');
  });
});
