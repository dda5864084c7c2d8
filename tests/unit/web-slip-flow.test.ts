// The participant's phone flow (src/web/slip-flow.ts) without a browser: a fake service that
// spends codes, signs real blind tokens and receipts, a chain holding the vote's definition, and
// Maps for the phone's storage. Also the ballot's arithmetic the page shows (count against k,
// the search filter, graded against total, the cells cast).
import { importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ballotHash, validateBallot, type AnyVoteDefinition, type Ballot } from '../../src/protocol/ballot.ts';
import type { ChainEntry } from '../../src/protocol/chain.ts';
import { fromBase64url, toBase64url } from '../../src/protocol/encoding.ts';
import { signReceipt } from '../../src/protocol/receipt.ts';
import { generateVoteKey, signBlinded } from '../../src/protocol/tokens.ts';
import { ApiError, parseRetryAfter } from '../../src/web/api.ts';
import {
  codeHash,
  evaluationCount,
  filterCandidates,
  meetingCredential,
  recommendationCount,
  REDEEM_BACKOFF_MS,
  redeemRetryDelay,
  slipChoices,
  SlipFlow,
  type ParticipantVote,
  type SlipFlowDeps,
  type SlipVote,
} from '../../src/web/slip-flow.ts';
import type { StoredParticipant } from '../../src/web/store.ts';
import { buildScenario, serviceKey } from '../../testkit/protocol-scenario.ts';
import { checkHeldRecord, RecordError } from '../../src/web/record.ts';
import { rehash } from '../helpers/records.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';
import { evaluation, recommendation, shapedDefinition } from '../helpers/protocol-ballots.ts';

const voteKey = generateVoteKey(seededRandom('slip-vote-key'));
const otherKey = generateVoteKey(seededRandom('slip-other-key'));
const svc = serviceKey('slip-service');
const svcKey = await importJWK(svc.privateJwk, 'EdDSA');
const REC = recommendation('i1', 2, ['c1', 'c2', 'c3', 'c4']);
REC.candidates[0]!.name = '王芳';
REC.candidates[1]!.name = '李强';
REC.candidates[2]!.name = '张伟';
REC.candidates[3]!.name = '王小明';
const EVAL = evaluation('i1', ['c1', 'c2', 'c3']);
const definition: AnyVoteDefinition = shapedDefinition(REC, { voteId: 'v-1', committeeId: 'c-1', meetingId: 'm-1', publicKey: toBase64url(voteKey.publicKey) });
const CODE = 'pjp_AAAAAAAAAAAAAAAAAAAAAA';
const CODE_2 = 'pjp_BBBBBBBBBBBBBBBBBBBBBB';
const credentialOf = (slip: string) => new SignJWT({ mid: 'm-1' }).setProtectedHeader({ alg: 'EdDSA' }).setSubject(slip).setExpirationTime('4h').sign(svcKey);
const credential = await credentialOf('slip-7');
const credential2 = await credentialOf('slip-8');
/** Where the phone keeps slip-7's vote (by slip and vote). */
const MINE = 'slip:slip-7:v-1';

const network = () => new ApiError(0, 'network', '网络不可用 / Network unavailable', 'fetch failed');
const refusal = (status: number, code: string) => new ApiError(status, code, `${code} / ${code}`, code);

/** A meeting with one open 民主推荐 vote and one phone; the service's answers scripted per test. */
function world(
  options: {
    chainKey?: string;
    spent?: boolean;
    loseRedeemAnswers?: number;
    /** Failures answered before the service handles the redeem (a proxy's 502, a 503, a 429), in turn. */
    failRedeems?: ApiError[];
    /** The fake clock's wait: by default each wait is over at once. */
    sleep?: (ms: number) => Promise<void>;
  } = {},
) {
  const vote: ParticipantVote = { id: 'v-1', state: 'open', definition };
  const participant = new Map<string, StoredParticipant>();
  const nonces = new Map<string, string>();
  /** The service's side: each code spent, with the nonce it was spent with; and every redeem sent. */
  const spentWith = new Map<string, string>();
  const redeemCalls: { code: string; nonce: string }[] = [];
  const openingReads: string[] = [];
  let lose = options.loseRedeemAnswers ?? 0;
  const failRedeems = [...(options.failRedeems ?? [])];
  /** Every wait the flow asked the clock for, in ms, and the notice the page was shown at each change. */
  const sleeps: number[] = [];
  const notices: (string | undefined)[] = [];
  const stored = new Map<string, SlipVote>();
  const redeemed: string[] = [];
  const tokenPosts: string[] = [];
  const casts: Ballot[] = [];
  const castAnswers: ApiError[] = [];
  let closedRecord: { committeeId: string; voteId: string; entries: unknown[] } | undefined;
  const closeWith = (ballots: Ballot[]) => {
    vote.state = 'closed';
    closedRecord = {
      committeeId: 'c-1',
      voteId: 'v-1',
      entries: [{ seq: 9, hash: 'ee'.repeat(32), kind: 'vote.closed', committeeId: 'c-1', body: { voteId: 'v-1', ballots } }],
    };
  };
  const created = {
    seq: 3,
    hash: 'c0'.repeat(32),
    kind: 'vote.created',
    committeeId: 'c-1',
    body: { definition: { ...definition, publicKey: options.chainKey ?? definition.publicKey } },
  } as unknown as ChainEntry;
  const deps: SlipFlowDeps = {
    // As the service: a code is spent once; the same code with the nonce it was spent with gets
    // the slip's credential again; `loseRedeemAnswers` answers are lost after the slip is spent.
    redeem: (code, nonce) => {
      redeemCalls.push({ code, nonce });
      const failure = failRedeems.shift();
      if (failure) return Promise.reject(failure);
      if (options.spent || (spentWith.has(code) && spentWith.get(code) !== nonce)) return Promise.reject(refusal(409, 'slip_spent'));
      if (!spentWith.has(code)) redeemed.push(code);
      spentWith.set(code, nonce);
      if (lose > 0) {
        lose -= 1;
        return Promise.reject(network());
      }
      const given = code === CODE ? credential : credential2;
      return Promise.resolve({ meetingId: 'm-1', credential: given, expiresAt: new Date(Date.now() + 4 * 3600_000).toISOString() });
    },
    api: {
      get: <T>(path: string, cred: string): Promise<T> => {
        if (path !== '/v1/participant/votes' || ![credential, credential2].includes(cred)) return Promise.reject(new Error(`unexpected GET ${path}`));
        return Promise.resolve({ meetingId: 'm-1', votes: [structuredClone(vote)] } as T);
      },
      post: <T>(path: string, body: unknown, cred: string): Promise<T> => {
        if (path !== '/v1/participant/votes/v-1/tokens' || ![credential, credential2].includes(cred))
          return Promise.reject(new Error(`unexpected POST ${path}`));
        const { blindedPoint } = body as { blindedPoint: string };
        tokenPosts.push(blindedPoint);
        return Promise.resolve({ blindSignature: toBase64url(signBlinded(voteKey.secretKey, fromBase64url(blindedPoint))) } as T);
      },
    },
    castBallot: async (ballot) => {
      casts.push(structuredClone(ballot));
      const failure = castAnswers.shift();
      if (failure) throw failure;
      const hash = ballotHash(ballot);
      return { ballotHash: hash, receipt: await signReceipt({ voteId: 'v-1', ballotHash: hash }, svcKey, svc.kid) };
    },
    record: {
      openingRecord: (committeeId, voteId) => {
        openingReads.push(`${committeeId}/${voteId}`);
        return Promise.resolve([created]);
      },
      readVoteRecord: () => Promise.resolve(closedRecord as never),
      checkVoteRecord: () => Promise.resolve(),
      serviceKeys: () => Promise.resolve(svc.jwks),
    },
    storage: {
      loadParticipant: (hash) => Promise.resolve(structuredClone(participant.get(hash ?? 'p'))),
      saveParticipant: (p) => {
        participant.set(p.codeHash, structuredClone(p));
        participant.set('p', structuredClone(p));
        return Promise.resolve();
      },
      loadRedeemNonce: (hash) => Promise.resolve(nonces.get(hash)),
      saveRedeemNonce: (hash, nonce) => Promise.resolve(void (nonce === undefined ? nonces.delete(hash) : nonces.set(hash, nonce))),
      load: (voteId, owner) => Promise.resolve(structuredClone(stored.get(`${owner}:${voteId}`))),
      save: (v) => Promise.resolve(void stored.set(`${v.personId}:${v.voteId}`, structuredClone(v))),
    },
    randomBytes: seededRandom('slip-phone'),
    explain: (e) => `refused: ${(e as ApiError).code}`,
    onChange: () => void notices.push(flow.notice?.kind),
    sleep: (ms) => {
      sleeps.push(ms);
      return options.sleep ? options.sleep(ms) : Promise.resolve();
    },
  };
  const flow: SlipFlow = new SlipFlow(deps);
  return {
    deps,
    vote,
    participant,
    stored,
    redeemed,
    redeemCalls,
    nonces,
    openingReads,
    tokenPosts,
    casts,
    castAnswers,
    closeWith,
    sleeps,
    notices,
    flow,
  };
}

describe('the ballot’s arithmetic', () => {
  it('counts the names marked against k, over k flagged (the ballot would be 无效)', () => {
    expect(recommendationCount(REC, undefined)).toEqual({ marked: 0, max: 2, over: false });
    expect(recommendationCount(REC, { c1: 'recommend', c2: 'recommend' })).toEqual({ marked: 2, max: 2, over: false });
    expect(recommendationCount(REC, { c1: 'recommend', c2: 'recommend', c3: 'recommend', c4: 'blank' })).toEqual({ marked: 3, max: 2, over: true });
  });

  it('filters the list by a substring of the name, always keeping the marked names', () => {
    const names = (q: string, cells?: Record<string, string>) => filterCandidates(REC.candidates, q, cells).map((c) => c.name);
    expect(names('')).toEqual(['王芳', '李强', '张伟', '王小明']);
    expect(names('  ')).toHaveLength(4);
    expect(names('王')).toEqual(['王芳', '王小明']);
    expect(names('小明')).toEqual(['王小明']);
    expect(names('赵')).toEqual([]);
    expect(names('李', { c1: 'recommend', c3: 'blank' })).toEqual(['王芳', '李强']);
  });

  it('counts cadres graded against the total; 弃权 and no mark are both ungraded', () => {
    const n = evaluationCount(EVAL, { c1: 'excellent', c2: 'abstain' });
    expect([n.graded, n.total, n.ungraded.map((c) => c.candidateId)]).toEqual([1, 3, ['c2', 'c3']]);
  });

  it('casts complete cells: unmarked names blank, ungraded cadres abstain', () => {
    expect(slipChoices(definition, { i1: { c2: 'recommend' } })).toEqual({ i1: { c1: 'blank', c2: 'recommend', c3: 'blank', c4: 'blank' } });
    const evalDef = shapedDefinition(EVAL);
    expect(slipChoices(evalDef, { i1: { c1: 'competent' } })).toEqual({ i1: { c1: 'competent', c2: 'abstain', c3: 'abstain' } });
  });
});

describe('the slip', () => {
  it('is spent once and its credential kept; the same code opened again continues without spending it again', async () => {
    const w = world();
    expect(await w.flow.start(CODE)).toBe(true);
    expect(w.participant.get('p')).toMatchObject({ slipId: 'slip-7', meetingId: 'm-1', credential, codeHash: codeHash(CODE) });
    const again = new SlipFlow(w.deps);
    expect(await again.start(CODE)).toBe(true);
    const reloaded = new SlipFlow(w.deps);
    expect(await reloaded.start(undefined)).toBe(true);
    expect(w.redeemed).toEqual([CODE]);
  });

  it('two slips spent on one shared phone keep their votes apart, and the first slip opened again continues as itself', async () => {
    const w = world();
    await w.flow.start(CODE);
    await w.flow.refresh();
    w.flow.setCell('v-1', 'i1', 'c1', 'recommend');
    const second = new SlipFlow(w.deps);
    expect(await second.start(CODE_2)).toBe(true);
    await second.refresh();
    expect([...w.stored.keys()].sort()).toEqual([MINE, 'slip:slip-8:v-1']);
    expect(w.tokenPosts).toHaveLength(2);
    const back = new SlipFlow(w.deps);
    expect(await back.start(CODE)).toBe(true);
    expect(back.participant?.slipId).toBe('slip-7');
    expect(w.participant.get('p')?.slipId).toBe('slip-7');
    await back.refresh();
    expect(back.local.get('v-1')?.draft).toEqual({ i1: { c1: 'recommend' } });
    expect(w.redeemed).toEqual([CODE, CODE_2]);
  });

  it('a spent slip on a fresh phone is refused with slip_spent and no credential', async () => {
    const w = world({ spent: true });
    expect(await w.flow.start(CODE)).toBe(false);
    expect(w.flow.notice).toMatchObject({ kind: 'redeem_failed' });
    expect((w.flow.notice as { error: ApiError }).error.code).toBe('slip_spent');
    expect(w.flow.participant).toBeUndefined();
  });

  it('a lost redeem answer: the phone sends the code again by itself with the same nonce after 1 s, saying it is reconnecting, and carries on as the slip', async () => {
    const w = world({ loseRedeemAnswers: 1 });
    expect(await w.flow.start(CODE)).toBe(true);
    const nonce = w.redeemCalls[0]!.nonce;
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(w.redeemCalls.map((x) => x.nonce)).toEqual([nonce, nonce]);
    expect(w.sleeps).toEqual([1000]);
    expect(w.notices).toEqual(['reconnecting']);
    expect(w.flow.notice).toBeUndefined();
    expect(w.flow.participant?.slipId).toBe('slip-7');
    expect(w.redeemed).toEqual([CODE]);
    expect(w.nonces.size).toBe(0); // dropped once the credential is kept
    await w.flow.refresh();
    expect(w.stored.get(MINE)?.token).toBeDefined();
  });

  it('keeps sending the code while the answers are lost, waiting 1 s, 2 s, 4 s … and never more than 16 s', async () => {
    const w = world({ loseRedeemAnswers: 8 });
    expect(await w.flow.start(CODE)).toBe(true);
    expect(w.sleeps).toEqual([1000, 2000, 4000, 8000, 16_000, 16_000, 16_000, 16_000]);
    expect(new Set(w.redeemCalls.map((x) => x.nonce)).size).toBe(1);
    expect(w.redeemCalls).toHaveLength(9);
    expect(w.flow.participant?.slipId).toBe('slip-7');
  });

  it('waits as long as a 503’s or a 429’s Retry-After asks, and backs off after a 5xx without one', async () => {
    const w = world({
      failRedeems: [
        new ApiError(503, 'database_unavailable', 't', 'd', undefined, 5000),
        new ApiError(429, 'rate_limited', 't', 'd', undefined, 2000),
        new ApiError(502, 'http_error', 'HTTP 502', ''),
        new ApiError(503, 'shutting_down', 't', 'd', undefined, 3_600_000),
      ],
    });
    expect(await w.flow.start(CODE)).toBe(true);
    expect(w.sleeps).toEqual([5000, 2000, 4000, 60_000]);
    expect(w.notices).toEqual(['reconnecting', 'reconnecting', 'reconnecting', 'reconnecting']);
    expect(w.redeemed).toEqual([CODE]);
  });

  it.each([
    ['slip_spent', 409],
    ['slip_voided', 409],
    ['slip_invalid', 401],
  ])('a definite refusal (%s) stops at once with its code, sending the code no more', async (code, status) => {
    const w = world({ failRedeems: [refusal(status, code)] });
    expect(await w.flow.start(CODE)).toBe(false);
    expect(w.redeemCalls).toHaveLength(1);
    expect(w.sleeps).toEqual([]);
    expect(w.flow.notice).toMatchObject({ kind: 'redeem_failed' });
    expect((w.flow.notice as { error: ApiError }).error.code).toBe(code);
    expect(w.flow.participant).toBeUndefined();
  });

  it('a page closed while waiting sends the code no more; reloaded, it sends it with the nonce it kept', async () => {
    const waits: (() => void)[] = [];
    const w = world({ loseRedeemAnswers: 1, sleep: () => new Promise<void>((resolve) => waits.push(resolve)) });
    const started = w.flow.start(CODE);
    await expect.poll(() => w.sleeps).toEqual([1000]);
    w.flow.stop();
    expect(await started).toBe(false);
    waits[0]!(); // the page's timer, had it not gone with the page
    expect(w.redeemCalls).toHaveLength(1);
    expect(w.redeemed).toEqual([CODE]); // the slip is spent, the phone holds no credential
    const nonce = w.redeemCalls[0]!.nonce;
    expect(w.nonces.get(codeHash(CODE))).toBe(nonce);
    const reloaded = new SlipFlow({ ...w.deps, sleep: () => Promise.resolve() });
    expect(await reloaded.start(CODE)).toBe(true);
    expect(w.redeemCalls.map((x) => x.nonce)).toEqual([nonce, nonce]);
    expect(reloaded.participant?.slipId).toBe('slip-7');
  });

  it('back online, a redeem waiting to be sent again goes at once', async () => {
    const w = world({ loseRedeemAnswers: 1, sleep: () => new Promise<void>(() => {}) });
    const started = w.flow.start(CODE);
    await expect.poll(() => w.sleeps).toEqual([1000]);
    w.flow.retryNow();
    expect(await started).toBe(true);
    expect(w.redeemCalls).toHaveLength(2);
  });

  it('another phone (another nonce) with a spent code is still refused slip_spent', async () => {
    const w = world();
    expect(await w.flow.start(CODE)).toBe(true);
    const otherPhone = new SlipFlow({
      ...w.deps,
      storage: {
        ...w.deps.storage,
        loadParticipant: () => Promise.resolve(undefined),
        loadRedeemNonce: () => Promise.resolve(undefined),
        saveRedeemNonce: () => Promise.resolve(),
      },
      randomBytes: seededRandom('other-phone'),
    });
    expect(await otherPhone.start(CODE)).toBe(false);
    expect((otherPhone.notice as { error: ApiError }).error.code).toBe('slip_spent');
    expect(new Set(w.redeemCalls.map((x) => x.nonce)).size).toBe(2);
  });

  it('with no code and nothing kept, asks for a slip', async () => {
    const w = world();
    expect(await w.flow.start(undefined)).toBe(false);
    expect(w.flow.notice).toEqual({ kind: 'no_slip' });
  });
});

describe('the credential for the pages the phone opens (observer, printed sheet)', () => {
  it('is the current slip’s for its own meeting while valid; none for another meeting, an expired one, or no slip', async () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    const kept: StoredParticipant = { slipId: 'slip-7', meetingId: 'm-1', credential, expiresAt: '2026-12-01T12:00:00Z', codeHash: codeHash(CODE) };
    const storage = (p: StoredParticipant | undefined) => ({ loadParticipant: () => Promise.resolve(p) });
    expect(await meetingCredential(storage(kept), 'm-1', now)).toBe(credential);
    expect(await meetingCredential(storage(kept), 'm-2', now)).toBeUndefined();
    expect(await meetingCredential(storage({ ...kept, expiresAt: '2026-12-01T10:00:00Z' }), 'm-1', now)).toBeUndefined();
    expect(await meetingCredential(storage(undefined), 'm-1', now)).toBeUndefined();
  });
});

describe('when a redeem is sent again', () => {
  it('a lost network, a 408, a 429 or a 5xx is sent again; any other answer is definite', () => {
    expect([0, 1, 2, 3, 4, 5, 40].map((attempt) => redeemRetryDelay(network(), attempt))).toEqual([1000, 2000, 4000, 8000, 16_000, 16_000, 16_000]);
    expect(REDEEM_BACKOFF_MS).toEqual({ first: 1000, max: 16_000 });
    for (const status of [408, 429, 500, 502, 503, 504]) expect(redeemRetryDelay(refusal(status, 'x'), 1)).toBe(2000);
    for (const status of [400, 401, 403, 404, 409, 410, 422]) expect(redeemRetryDelay(refusal(status, 'x'), 0)).toBeUndefined();
    expect(redeemRetryDelay(new Error('not a participant credential'), 0)).toBeUndefined();
    expect(redeemRetryDelay(new ApiError(429, 'rate_limited', 't', 'd', undefined, 7000), 3)).toBe(7000);
    expect(redeemRetryDelay(new ApiError(503, 'shutting_down', 't', 'd', undefined, 0), 3)).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});

describe('tokens and the outbox', () => {
  it('takes one token per open vote, owned by the slip, its request stored before it is sent', async () => {
    const w = world();
    await w.flow.start(CODE);
    await w.flow.refresh();
    await w.flow.refresh();
    expect(w.tokenPosts).toHaveLength(1);
    expect(w.stored.get(MINE)).toMatchObject({ personId: 'slip:slip-7' });
    expect(w.stored.get(MINE)?.token?.voteId).toBe('v-1');
  });

  it('holds the key to its vote’s own record (through vote.created), read per vote, never the committee’s chain', async () => {
    const w = world();
    await w.flow.start(CODE);
    await w.flow.refresh();
    expect(w.openingReads).toEqual(['c-1/v-1']);
    expect(w.stored.get(MINE)?.createdHash).toBe('c0'.repeat(32));
    expect('verifiedChain' in w.deps.record).toBe(false);
  });

  it('refuses a token when the served key differs from the record’s (vote_key_mismatch)', async () => {
    const w = world({ chainKey: toBase64url(otherKey.publicKey) });
    await w.flow.start(CODE);
    await w.flow.refresh();
    expect(w.tokenPosts).toEqual([]);
    expect(w.flow.failures.get('v-1')?.code).toBe('vote_key_mismatch');
  });

  it('casts an over-marked ballot as marked (valid on the wire, 无效 in the count) and keeps the receipt', async () => {
    const w = world();
    await w.flow.start(CODE);
    await w.flow.refresh();
    for (const id of ['c1', 'c2', 'c3']) expect(w.flow.setCell('v-1', 'i1', id, 'recommend')).toBe(true);
    w.flow.setCell('v-1', 'i1', 'c3', undefined);
    w.flow.setCell('v-1', 'i1', 'c3', 'recommend');
    await w.flow.cast('v-1');
    expect(w.casts).toHaveLength(1);
    expect(w.casts[0]!.choices).toEqual({ i1: { c1: 'recommend', c2: 'recommend', c3: 'recommend', c4: 'blank' } });
    expect(() => validateBallot(definition, w.casts[0])).not.toThrow();
    expect(w.stored.get(MINE)?.receipt).toBeDefined();
    expect(w.flow.setCell('v-1', 'i1', 'c4', 'recommend')).toBe(false);
  });

  it('a cast that fails on the network stays in the outbox and a reloaded phone sends the very same ballot once more', async () => {
    const w = world();
    await w.flow.start(CODE);
    await w.flow.refresh();
    w.flow.setCell('v-1', 'i1', 'c2', 'recommend');
    w.castAnswers.push(network());
    await w.flow.cast('v-1');
    expect(w.flow.failures.get('v-1')?.code).toBe('network');
    expect(w.stored.get(MINE)?.ballot).toBeDefined();
    expect(w.stored.get(MINE)?.receipt).toBeUndefined();
    const reloaded = new SlipFlow(w.deps);
    await reloaded.start(undefined);
    await reloaded.refresh();
    expect(w.casts).toHaveLength(2);
    expect(ballotHash(w.casts[1]!)).toBe(ballotHash(w.casts[0]!));
    expect(w.stored.get(MINE)?.receipt).toBeDefined();
    await reloaded.refresh();
    expect(w.casts).toHaveLength(2);
  });

  it('a definite refusal is kept and never sent again', async () => {
    const w = world();
    await w.flow.start(CODE);
    await w.flow.refresh();
    w.castAnswers.push(refusal(409, 'invalid_state'));
    await w.flow.cast('v-1');
    expect(w.stored.get(MINE)?.refused).toEqual({ code: 'invalid_state', text: 'refused: invalid_state' });
    await w.flow.refresh();
    expect(w.casts).toHaveLength(1);
  });

  it('an expired credential stops the phone with credential_expired, asking nothing of the service', async () => {
    const w = world();
    await w.flow.start(CODE);
    w.participant.set('p', { ...w.participant.get('p')!, expiresAt: new Date(Date.now() - 1000).toISOString() });
    const later = new SlipFlow(w.deps);
    await later.start(undefined);
    await later.refresh();
    expect(later.notice).toMatchObject({ kind: 'error', error: { code: 'credential_expired' } });
    expect(w.tokenPosts).toEqual([]);
  });

  it('after the close, finds its ballot in the record (counted) or raises the alarm when it is missing', async () => {
    for (const present of [true, false]) {
      const w = world();
      await w.flow.start(CODE);
      await w.flow.refresh();
      w.flow.setCell('v-1', 'i1', 'c1', 'recommend');
      await w.flow.cast('v-1');
      w.closeWith(present ? w.casts : []);
      await w.flow.refresh();
      expect(w.stored.get(MINE)).toMatchObject({ counted: present, closedHead: { seq: 9, hash: 'ee'.repeat(32) } });
    }
  });
});

describe('a vote’s own record, as a participant’s phone checks it (checkHeldRecord)', () => {
  const rejects = (f: () => unknown): RecordError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(RecordError);
      return e as RecordError;
    }
    throw new Error('accepted');
  };

  it('accepts the record through vote.created while open and through the close after, each ending with this vote’s entry', async () => {
    const { record } = await buildScenario('held-1', { committeeId: 'c-held-1' });
    const created = record.entries.findIndex((e) => e.kind === 'vote.created');
    const opening = { ...record, entries: record.entries.slice(0, created + 1) };
    expect(checkHeldRecord(opening, 'c-held-1', 'v-1', 'vote.created').at(-1)?.kind).toBe('vote.created');
    expect(checkHeldRecord(record, 'c-held-1', 'v-1', 'vote.closed').at(-1)?.kind).toBe('vote.closed');
    // Not another vote's, not the wrong end, not another committee's.
    rejects(() => checkHeldRecord(opening, 'c-held-1', 'v-2', 'vote.created'));
    rejects(() => checkHeldRecord(opening, 'c-held-1', 'v-1', 'vote.closed'));
    rejects(() => checkHeldRecord(record, 'c-other', 'v-1', 'vote.closed'));
  });

  it('refuses a broken link, and a record that differs from one this page verified before (rewritten)', async () => {
    const { record } = await buildScenario('held-2', { committeeId: 'c-held-2' });
    const created = record.entries.findIndex((e) => e.kind === 'vote.created');
    checkHeldRecord({ ...record, entries: record.entries.slice(0, created + 1) }, 'c-held-2', 'v-1', 'vote.created');
    const broken = structuredClone(record);
    (broken.entries[1] as { hash: string }).hash = '00'.repeat(32);
    expect(rejects(() => checkHeldRecord(broken, 'c-held-2', 'v-1', 'vote.closed')).rewritten).toBe(false);
    // The service serves the close with another history (a key made for this phone, say): links hold, but not the entries seen.
    const forked = structuredClone(record);
    const first = forked.entries[0] as { body: { name: string } };
    first.body.name = `${first.body.name}（改）`;
    expect(rejects(() => checkHeldRecord(rehash(forked), 'c-held-2', 'v-1', 'vote.closed')).rewritten).toBe(true);
  });
});
