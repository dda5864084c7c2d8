// Check `tokensUnique` alone: t (version 1) or the one-time key (version 2) spent once.
import { describe, expect, it } from 'vitest';
import { checkTokensUnique } from '../../src/protocol/verify/tokens-unique.ts';

describe('check tokensUnique', () => {
  it('passes distinct tokens, skipping ballots without one', () => {
    expect(checkTokensUnique({ version: 1, ballots: [{ t: 'a' }, { t: 'b' }, 'not a ballot', null] })).toMatchObject({ ok: true, detail: '2 distinct tokens' });
  });
  it('when two version 1 ballots carry the same t / fails with token_reused', () => {
    expect(checkTokensUnique({ version: 1, ballots: [{ t: 'a' }, { t: 'b' }, { t: 'a' }] })).toMatchObject({
      ok: false,
      code: 'token_reused',
      detail: 'ballots 0 and 2 carry the same token',
    });
  });
  it('when two version 2 ballots carry the same one-time key / fails with token_reused', () => {
    expect(
      checkTokensUnique({
        version: 2,
        ballots: [
          { ballotPublicKey: 'k', t: 'x' },
          { ballotPublicKey: 'k', t: 'y' },
        ],
      }),
    ).toMatchObject({ ok: false, code: 'token_reused' });
  });
  it('reads the version 2 key, not t, in a version 2 record', () => {
    expect(
      checkTokensUnique({
        version: 2,
        ballots: [
          { ballotPublicKey: 'k1', t: 'x' },
          { ballotPublicKey: 'k2', t: 'x' },
        ],
      }).ok,
    ).toBe(true);
  });
});
