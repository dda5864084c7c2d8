// Check `turnout` alone: 收回 ≤ 发出 ≤ 实到 ≤ 应到.
import { describe, expect, it } from 'vitest';
import { checkTurnout } from '../../src/protocol/verify/turnout.ts';

const turnout = (returned: number, issued: number, present: number, entitled: number) =>
  checkTurnout({ ballots: Array.from({ length: returned }), issuedCount: issued, presentCount: present, definition: { entitled } });

describe('check turnout', () => {
  it('passes when returned ≤ issued ≤ present ≤ entitled', () => {
    expect(turnout(3, 4, 4, 5)).toMatchObject({ ok: true, detail: '收回 3 ≤ 发出 4 ≤ 实到 4 ≤ 应到 5' });
  });
  it.each([
    ['more ballots than tokens', 5, 4, 4, 5],
    ['more tokens than present members', 3, 5, 4, 5],
    ['more present than entitled', 3, 4, 6, 5],
  ])('when %s / fails with turnout_inconsistent', (_, r, i, p, e) => {
    expect(turnout(r, i, p, e)).toMatchObject({ ok: false, code: 'turnout_inconsistent' });
  });
});
