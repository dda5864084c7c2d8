// The cast-side micro-batcher (src/votes/token-batcher.ts) gives every token exactly the answer
// of its own single check (verifyToken), whatever mix of valid and invalid tokens shares its
// batch; a garbage token in a batch does not fail the honest ones; a lone token is checked at
// once, alone; a batch with a bad token shrinks the vote's next batches.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createVoteCrypto, type VoteCrypto } from '../../src/votes/crypto-tasks.ts';
import { TokenBatcher, type TokenKey } from '../../src/votes/token-batcher.ts';
import { fromBase64url, toBase64url } from '../../src/protocol/encoding.ts';
import { generateBallotKey, verifyBallotSignature } from '../../src/protocol/ballot-v2.ts';
import type { BallotV2 } from '../../src/protocol/ballot.ts';
import { buildBallot } from '../../src/protocol/member-ballot.ts';
import { blindToken, generateVoteKey, signBlinded, verifyToken, type VoteKeyPair } from '../../src/protocol/tokens.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

const VOTE = '00000000-0000-4000-8000-0000000000b1';
const OTHER_VOTE = '00000000-0000-4000-8000-0000000000b2';
const ONE = (() => {
  const b = new Uint8Array(32);
  b[31] = 1;
  return b;
})();

/** sk·H(voteId, t): the unblinded token signature (blinding with r = 1). */
function sign(key: VoteKeyPair, voteId: string, t: Uint8Array, version: 1 | 2): Uint8Array {
  return signBlinded(key.secretKey, blindToken(voteId, t, ONE, version));
}

type Kind = 'valid' | 'random point' | 'other t' | 'other vote' | 'other key' | 'short' | 'identity' | 'non-canonical' | 'garbage bytes';
const KINDS: Kind[] = ['valid', 'valid', 'valid', 'random point', 'other t', 'other vote', 'other key', 'short', 'identity', 'non-canonical', 'garbage bytes'];

function token(kind: Kind, key: VoteKeyPair, other: VoteKeyPair, rnd: (n: number) => Uint8Array, version: 1 | 2): { t: Uint8Array; signature: Uint8Array } {
  const t = rnd(32);
  switch (kind) {
    case 'valid':
      return { t, signature: sign(key, VOTE, t, version) };
    case 'random point':
      return { t, signature: bls12_381.G1.Point.BASE.multiply(BigInt('0x' + Buffer.from(rnd(16)).toString('hex')) + 1n).toBytes(true) };
    case 'other t':
      return { t, signature: sign(key, VOTE, rnd(32), version) };
    case 'other vote':
      return { t, signature: sign(key, OTHER_VOTE, t, version) };
    case 'other key':
      return { t, signature: sign(other, VOTE, t, version) };
    case 'short':
      return { t, signature: sign(key, VOTE, t, version).subarray(0, 47) };
    case 'identity':
      return { t, signature: bls12_381.G1.Point.ZERO.toBytes(true) };
    case 'non-canonical': {
      const s = sign(key, VOTE, t, version).slice();
      s[0]! ^= 0x20; // flip the sort flag: the other y, same x
      return { t, signature: s };
    }
    case 'garbage bytes':
      return { t, signature: rnd(48) };
  }
}

/** The crypto tasks in-process, recording what the batcher sends. */
function recording(inner: VoteCrypto): { crypto: VoteCrypto; sent: { op: string; size: number }[] } {
  const sent: { op: string; size: number }[] = [];
  const crypto: VoteCrypto = {
    ...inner,
    run: ((op: string, ...args: unknown[]) => {
      if (op === 'verifyToken') sent.push({ op, size: 1 });
      if (op === 'verifyTokenBatch' || op === 'verifyCasts') sent.push({ op, size: (args[1] as unknown[]).length });
      return (inner.run as (op: string, ...a: unknown[]) => Promise<unknown>)(op, ...args);
    }) as VoteCrypto['run'],
  };
  return { crypto, sent };
}

const rnd = seededRandom('token-batcher');
const key = generateVoteKey(rnd);
const other = generateVoteKey(rnd);
const keyOf = (version: 1 | 2): TokenKey => ({ voteId: VOTE, publicKey: key.publicKey, publicKeyId: toBase64url(key.publicKey), version });
const pooled = createVoteCrypto(2);
afterAll(() => pooled.close());

describe('token micro-batcher', () => {
  it('gives every token exactly its single-check answer, over random mixes of valid and invalid tokens in batches (in-process and in worker threads)', async () => {
    const pick = seededRandom('token-batcher-mixes');
    for (const [label, inner] of [
      ['in-process', createVoteCrypto(0)],
      ['workers', pooled],
    ] as const) {
      const { crypto, sent } = recording(inner);
      const batcher = new TokenBatcher(crypto, { max: 8, windowMs: 2, parallel: label === 'workers' ? 2 : 1 });
      for (let round = 0; round < 6; round++) {
        const version = round % 2 === 0 ? 2 : 1;
        const n = 2 + (pick(1)[0]! % 14);
        const kinds = Array.from({ length: n }, () => KINDS[pick(1)[0]! % KINDS.length]!);
        const tokens = kinds.map((k) => token(k, key, other, rnd, version));
        const answers = await Promise.all(tokens.map((tk) => batcher.verify(keyOf(version), tk.t, tk.signature)));
        const single = tokens.map((tk) => verifyToken(key.publicKey, VOTE, tk.t, tk.signature, version));
        expect({ kinds, answers }).toEqual({ kinds, answers: single });
        expect(single.filter(Boolean).length).toBe(kinds.filter((k) => k === 'valid').length);
      }
      // The tokens did share batches: fewer checks were sent than tokens were checked.
      expect(
        sent.some((s) => s.op === 'verifyTokenBatch' && s.size > 1),
        label,
      ).toBe(true);
      expect(batcher.stats.batches).toBeLessThan(batcher.stats.tokens);
    }
  });

  it('accepts the honest tokens of a batch that also holds a garbage one, and refuses only the garbage one', async () => {
    const { crypto, sent } = recording(createVoteCrypto(0));
    const batcher = new TokenBatcher(crypto, { max: 32, windowMs: 2, parallel: 1 });
    const kinds: Kind[] = ['valid', 'valid', 'valid', 'valid', 'random point', 'valid', 'valid', 'valid', 'valid', 'valid'];
    const tokens = kinds.map((k) => token(k, key, other, rnd, 2));
    const answers = await Promise.all(tokens.map((tk) => batcher.verify(keyOf(2), tk.t, tk.signature)));
    expect(answers).toEqual(kinds.map((k) => k === 'valid'));
    // The first token, alone with nothing in flight, went at once; the other nine in one batch.
    expect(sent).toEqual([
      { op: 'verifyToken', size: 1 },
      { op: 'verifyTokenBatch', size: 9 },
    ]);
    expect(batcher.stats.failedBatches).toBe(1);
  });

  it('checks a lone token at once and alone, and with batching off (max 1) checks every token alone', async () => {
    const { crypto, sent } = recording(createVoteCrypto(0));
    const lone = new TokenBatcher(crypto, { max: 32, windowMs: 50, parallel: 2 });
    const tk = token('valid', key, other, rnd, 2);
    expect(await lone.verify(keyOf(2), tk.t, tk.signature)).toBe(true);
    expect(sent).toEqual([{ op: 'verifyToken', size: 1 }]);
    sent.length = 0;
    const off = new TokenBatcher(crypto, { max: 1, windowMs: 2, parallel: 1 });
    const tokens = (['valid', 'other t', 'valid'] as Kind[]).map((k) => token(k, key, other, rnd, 2));
    expect(await Promise.all(tokens.map((t) => off.verify(keyOf(2), t.t, t.signature)))).toEqual([true, false, true]);
    expect(sent).toEqual([
      { op: 'verifyToken', size: 1 },
      { op: 'verifyToken', size: 1 },
      { op: 'verifyToken', size: 1 },
    ]);
  });

  it('halves the next batch of the vote after a batch with a bad token, and keeps votes apart', async () => {
    const inner = createVoteCrypto(0);
    let release!: () => void;
    let gate: Promise<void> | undefined = new Promise((r) => (release = r));
    const sent: { op: string; size: number; voteId: string }[] = [];
    const crypto: VoteCrypto = {
      ...inner,
      run: (async (op: string, ...args: unknown[]) => {
        const voteId = op === 'verifyToken' ? (args[1] as string) : (args[1] as { voteId: string }[])[0]!.voteId;
        sent.push({ op, size: op === 'verifyTokenBatch' ? (args[1] as unknown[]).length : 1, voteId });
        await gate;
        return (inner.run as (op: string, ...a: unknown[]) => Promise<unknown>)(op, ...args);
      }) as VoteCrypto['run'],
    };
    const batcher = new TokenBatcher(crypto, { max: 8, windowMs: 0, parallel: 1 });
    const check = (kind: Kind) => {
      const tk = token(kind, key, other, rnd, 2);
      return batcher.verify(keyOf(2), tk.t, tk.signature);
    };
    // Held: one alone, then eight queued behind it (one bad), then eight more.
    const first = check('valid');
    const second = Array.from({ length: 8 }, (_, i) => check(i === 3 ? 'other key' : 'valid'));
    const third = Array.from({ length: 8 }, () => check('valid'));
    // Another vote's token is not queued behind this vote's batches.
    const tkOther = token('valid', key, other, rnd, 2);
    const elsewhere = batcher.verify({ ...keyOf(2), voteId: OTHER_VOTE }, tkOther.t, tkOther.signature);
    expect(sent.map((s) => [s.op, s.size, s.voteId])).toEqual([
      ['verifyToken', 1, VOTE],
      ['verifyToken', 1, OTHER_VOTE],
    ]);
    release();
    gate = undefined;
    expect(await first).toBe(true);
    expect(await Promise.all(second)).toEqual([true, true, true, false, true, true, true, true]);
    expect(await Promise.all(third)).toEqual(Array(8).fill(true));
    expect(await elsewhere).toBe(false); // signed for VOTE, not OTHER_VOTE
    expect(sent.filter((s) => s.voteId === VOTE).map((s) => s.size)).toEqual([1, 8, 4, 4]);
    expect(batcher.waiting()).toBe(0);
  });

  it('gives every version-2 cast exactly the answer of its own checks (ballot signature first, then token), over random mixes of bad ballot signatures and bad tokens (in-process and in worker threads)', async () => {
    type BallotKind = 'signed' | 'flipped signature' | 'other marks' | 'short signature' | 'other key';
    const BALLOT_KINDS: BallotKind[] = ['signed', 'signed', 'signed', 'flipped signature', 'other marks', 'short signature', 'other key'];
    const pick = seededRandom('token-batcher-casts');
    /** A cast whose ballot key is the token's t (version 2), its ballot and token each spoiled (or not) as told. */
    const cast = (ballotKind: BallotKind, tokenKind: Kind): { t: Uint8Array; signature: Uint8Array; ballot: BallotV2 } => {
      const ballotKey = generateBallotKey(rnd);
      const t = ballotKey.publicKey;
      const spoiled = token(tokenKind, key, other, rnd, 2);
      const signature =
        tokenKind === 'valid' || tokenKind === 'other vote' || tokenKind === 'other key'
          ? sign(tokenKind === 'other key' ? other : key, tokenKind === 'other vote' ? OTHER_VOTE : VOTE, t, 2)
          : spoiled.signature;
      const signingKey = ballotKind === 'other key' ? generateBallotKey(rnd).secretKey : ballotKey.secretKey;
      const ballot = buildBallot(
        { voteId: VOTE, ballotSecretKey: toBase64url(signingKey), ballotPublicKey: toBase64url(t), signature: toBase64url(signature) },
        { i1: { c1: 'approve' } },
      );
      if (ballotKind === 'flipped signature') {
        const b = fromBase64url(ballot.ballotSignature);
        b[5]! ^= 1;
        ballot.ballotSignature = toBase64url(b);
      }
      if (ballotKind === 'other marks') ballot.choices = { i1: { c1: 'disapprove' } };
      if (ballotKind === 'short signature') ballot.ballotSignature = ballot.ballotSignature.slice(0, 40);
      return { t, signature, ballot };
    };
    for (const [label, inner] of [
      ['in-process', createVoteCrypto(0)],
      ['workers', pooled],
    ] as const) {
      const { crypto, sent } = recording(inner);
      const batcher = new TokenBatcher(crypto, { max: 8, windowMs: 2, parallel: label === 'workers' ? 2 : 1 });
      for (let round = 0; round < 4; round++) {
        const n = 3 + (pick(1)[0]! % 12);
        const kinds = Array.from(
          { length: n },
          () => [BALLOT_KINDS[pick(1)[0]! % BALLOT_KINDS.length]!, pick(1)[0]! % 2 === 0 ? 'valid' : KINDS[pick(1)[0]! % KINDS.length]!] as const,
        );
        const casts = kinds.map(([b, tk]) => cast(b, tk));
        const answers = await Promise.all(casts.map((c) => batcher.verifyCast(keyOf(2), c.t, c.signature, c.ballot)));
        const single = casts.map((c) =>
          !verifyBallotSignature(c.ballot) ? 'ballot_signature' : verifyToken(key.publicKey, VOTE, c.t, c.signature, 2) ? 'ok' : 'token',
        );
        expect({ kinds, answers }).toEqual({ kinds, answers: single });
        expect(single.filter((a) => a === 'ok').length).toBe(kinds.filter(([b, tk]) => b === 'signed' && tk === 'valid').length);
      }
      // The casts shared checks, in one trip to a worker each.
      expect(sent.every((s) => s.op === 'verifyCasts')).toBe(true);
      expect(
        sent.some((s) => s.size > 1),
        label,
      ).toBe(true);
    }
  });

  it('does not shrink the batches for a bad ballot signature, only for a bad token, and checks each cast alone with batching off', async () => {
    const { crypto, sent } = recording(createVoteCrypto(0));
    const batcher = new TokenBatcher(crypto, { max: 32, windowMs: 2, parallel: 1 });
    const make = (badSignature: boolean) => {
      const ballotKey = generateBallotKey(rnd);
      const ballot = buildBallot(
        {
          voteId: VOTE,
          ballotSecretKey: toBase64url(ballotKey.secretKey),
          ballotPublicKey: toBase64url(ballotKey.publicKey),
          signature: toBase64url(sign(key, VOTE, ballotKey.publicKey, 2)),
        },
        { i1: { c1: 'approve' } },
      );
      if (badSignature) ballot.choices = { i1: { c1: 'abstain' } };
      return { t: ballotKey.publicKey, signature: fromBase64url(ballot.signature), ballot };
    };
    const casts = [false, false, true, false, false].map(make);
    expect(await Promise.all(casts.map((c) => batcher.verifyCast(keyOf(2), c.t, c.signature, c.ballot)))).toEqual(['ok', 'ok', 'ballot_signature', 'ok', 'ok']);
    expect(sent).toEqual([
      { op: 'verifyCasts', size: 1 },
      { op: 'verifyCasts', size: 4 },
    ]);
    expect(batcher.stats.failedBatches).toBe(0);
    sent.length = 0;
    const off = new TokenBatcher(crypto, { max: 1, windowMs: 2, parallel: 1 });
    expect(await Promise.all([true, false].map(make).map((c) => off.verifyCast(keyOf(2), c.t, c.signature, c.ballot)))).toEqual(['ballot_signature', 'ok']);
    expect(sent).toEqual([
      { op: 'verifyCasts', size: 1 },
      { op: 'verifyCasts', size: 1 },
    ]);
  });
});
