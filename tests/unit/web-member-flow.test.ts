// The member's device flow (src/web/member-flow.ts) without a browser: a fake service that signs
// real blind tokens and receipts, a record reader, and a Map for the device's storage.
import { importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { ballotHash, type Ballot, type VoteDefinition } from '../../src/protocol/ballot.ts';
import type { ChainEntry } from '../../src/protocol/chain.ts';
import { fromBase64url, toBase64url } from '../../src/protocol/encoding.ts';
import { signReceipt } from '../../src/protocol/receipt.ts';
import { generateVoteKey, signBlinded } from '../../src/protocol/tokens.ts';
import { ApiError } from '../../src/web/api.ts';
import { MemberFlow, type MemberFlowDeps } from '../../src/web/member-flow.ts';
import { RecordError } from '../../src/web/record.ts';
import type { StoredVote } from '../../src/web/store.ts';
import type { Vote } from '../../src/web/types.ts';
import { serviceKey } from '../../testkit/protocol-scenario.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';
import { definitionWith, item } from '../helpers/protocol-ballots.ts';

const voteKey = generateVoteKey(seededRandom('flow-vote-key'));
const otherKey = generateVoteKey(seededRandom('flow-other-key'));
const svc = serviceKey('flow-service');
const rogue = serviceKey('flow-rogue');
const svcKey = await importJWK(svc.privateJwk, 'EdDSA');
const rogueKey = await importJWK(rogue.privateJwk, 'EdDSA');
const definition: VoteDefinition = definitionWith([item('A', 1, ['a1', 'a2'])], {
  voteId: 'v-1',
  committeeId: 'c-1',
  meetingId: 'm-1',
  publicKey: toBase64url(voteKey.publicKey),
});
const CREATED_HASH = 'c0'.repeat(32);

const network = () => new ApiError(0, 'network', '网络不可用 / Network unavailable', 'fetch failed');
const refusal = (status: number, code: string) => new ApiError(status, code, `${code} / ${code}`, code);

type CastAnswer = 'receipt' | 'rogue-receipt' | ApiError;

/** A meeting with one vote, the member p-1, and a service whose answers each test scripts. */
function world(options: { state?: Vote['state']; present?: boolean; chainKey?: string; inChain?: boolean } = {}) {
  const vote = { id: 'v-1', meetingId: 'm-1', committeeId: 'c-1', title: '表决', state: options.state ?? 'open', definition } as Vote;
  const stored = new Map<string, StoredVote>();
  const saves: StoredVote[] = [];
  const tokenPosts: string[] = [];
  const tokenFailures: ApiError[] = [];
  const casts: Ballot[] = [];
  const castAnswers: CastAnswer[] = [];
  const created = {
    seq: 3,
    hash: CREATED_HASH,
    kind: 'vote.created',
    committeeId: 'c-1',
    body: { definition: { ...definition, publicKey: options.chainKey ?? definition.publicKey } },
  } as unknown as ChainEntry;
  const chain = options.inChain === false ? [] : [created];
  let closedRecord: { committeeId: string; voteId: string; entries: unknown[] } | undefined;

  const deps: MemberFlowDeps = {
    me: { personId: 'p-1', memberOf: ['c-1'] },
    api: {
      get: <T>(path: string): Promise<T> => {
        const answers: Record<string, unknown> = {
          '/v1/committees': { committees: [{ id: 'c-1', name: '常委会' }] },
          '/v1/committees/c-1/meetings': { meetings: [{ id: 'm-1', state: 'open', title: '会议' }] },
          '/v1/meetings/m-1/attendance': { meetingId: 'm-1', presentMemberIds: options.present === false ? [] : ['p-1'] },
          '/v1/meetings/m-1/votes': { votes: [vote] },
        };
        if (!(path in answers)) return Promise.reject(new Error(`unexpected GET ${path}`));
        return Promise.resolve(structuredClone(answers[path]) as T);
      },
      post: <T>(path: string, body?: unknown): Promise<T> => {
        if (path !== '/v1/votes/v-1/tokens') return Promise.reject(new Error(`unexpected POST ${path}`));
        const { blindedPoint } = body as { blindedPoint: string };
        tokenPosts.push(blindedPoint);
        const failure = tokenFailures.shift();
        if (failure) return Promise.reject(failure);
        return Promise.resolve({ blindSignature: toBase64url(signBlinded(voteKey.secretKey, fromBase64url(blindedPoint))) } as T);
      },
      sign: () => Promise.resolve('device-signature'),
    },
    castBallot: async (ballot) => {
      casts.push(structuredClone(ballot));
      const answer = castAnswers.shift() ?? 'receipt';
      if (answer instanceof ApiError) throw answer;
      const hash = ballotHash(ballot);
      return { ballotHash: hash, receipt: await signReceipt({ voteId: 'v-1', ballotHash: hash }, answer === 'receipt' ? svcKey : rogueKey, svc.kid) };
    },
    record: {
      verifiedChain: () => Promise.resolve(chain),
      pinnedDefinition: () =>
        Promise.resolve({ definition: chain[0] ? (chain[0].body as { definition: VoteDefinition }).definition : definition, createdHash: CREATED_HASH }),
      readVoteRecord: () => Promise.resolve(closedRecord as never),
      checkVoteRecord: () => Promise.resolve(),
      serviceKeys: () => Promise.resolve(svc.jwks),
    },
    storage: {
      load: (voteId, personId) => Promise.resolve(stored.get(voteId)?.personId === personId ? structuredClone(stored.get(voteId)) : undefined),
      save: (v) => {
        stored.set(v.voteId, structuredClone(v));
        saves.push(structuredClone(v));
        return Promise.resolve();
      },
    },
    randomBytes: seededRandom('flow-device'),
    verify: () => Promise.reject(new Error('no verifier in this test')),
    explain: (e) => `refused: ${(e as ApiError).code}`,
    onChange: () => {},
  };
  const flow = new MemberFlow(deps);
  /** Marks the one item (approve a1, disapprove a2) and casts it, as after the review. */
  const castIt = async () => {
    flow.setMark('v-1', 'A', 'a1', 'approve');
    flow.setMark('v-1', 'A', 'a2', 'disapprove');
    await flow.cast('v-1');
  };
  const closeWith = (ballots: Ballot[]) => {
    vote.state = 'closed';
    closedRecord = {
      committeeId: 'c-1',
      voteId: 'v-1',
      entries: [{ seq: 9, hash: 'ee'.repeat(32), kind: 'vote.closed', committeeId: 'c-1', body: { voteId: 'v-1', ballots } }],
    };
  };
  return { flow, deps, vote, stored, saves, tokenPosts, tokenFailures, casts, castAnswers, castIt, closeWith };
}

describe('tokens (签到即领票)', () => {
  it('a member recorded present gets one token per vote, requested once across refreshes', async () => {
    const w = world();
    await w.flow.refresh();
    await w.flow.refresh();
    expect(w.tokenPosts).toHaveLength(1);
    expect(w.stored.get('v-1')?.token?.voteId).toBe('v-1');
    expect(w.flow.failures.size).toBe(0);
  });

  it('stores the token request before it is sent, so the request survives a reload', async () => {
    const w = world();
    await w.flow.refresh();
    expect(w.saves[0]).toMatchObject({ voteId: 'v-1', personId: 'p-1', createdHash: CREATED_HASH });
    expect(w.saves[0]!.token).toBeUndefined();
    expect(w.saves[0]!.request.blindedPoint).toBe(w.tokenPosts[0]);
  });

  it('when the answer is lost / retries with the same blinded point at the next refresh', async () => {
    const w = world();
    w.tokenFailures.push(network());
    await w.flow.refresh();
    expect(w.flow.failures.get('v-1')?.code).toBe('network');
    expect(w.stored.get('v-1')?.token).toBeUndefined();
    await w.flow.refresh();
    expect(w.tokenPosts).toHaveLength(2);
    expect(w.tokenPosts[1]).toBe(w.tokenPosts[0]);
    expect(w.stored.get('v-1')?.token).toBeDefined();
    expect(w.flow.failures.has('v-1')).toBe(false);
  });

  it('a fresh page on the same device reuses the stored request instead of making a new one', async () => {
    const w = world();
    w.tokenFailures.push(network());
    await w.flow.refresh();
    const reloaded = new MemberFlow(w.deps);
    await reloaded.refresh();
    expect(w.tokenPosts).toEqual([w.tokenPosts[0], w.tokenPosts[0]]);
    expect(reloaded.local.get('v-1')?.token).toBeDefined();
  });

  it('when the member is not recorded present / asks for no token', async () => {
    const w = world({ present: false });
    await w.flow.refresh();
    expect(w.tokenPosts).toEqual([]);
    expect(w.flow.present()).toBe(false);
  });

  it('when the service refuses with not_eligible / shows nothing on the card', async () => {
    const w = world();
    w.tokenFailures.push(refusal(403, 'not_eligible'));
    await w.flow.refresh();
    expect(w.tokenPosts).toHaveLength(1);
    expect(w.flow.failures.has('v-1')).toBe(false);
  });

  it('when the served vote key differs from the record’s / refuses the token with vote_key_mismatch', async () => {
    const w = world({ chainKey: toBase64url(otherKey.publicKey) });
    await w.flow.refresh();
    expect(w.tokenPosts).toEqual([]);
    expect(w.flow.failures.get('v-1')?.code).toBe('vote_key_mismatch');
    expect(w.stored.has('v-1')).toBe(false);
  });
});

describe('the outbox', () => {
  it('casting stores the ballot, sends it, and keeps the verified receipt (the draft dropped)', async () => {
    const w = world();
    await w.flow.refresh();
    await w.castIt();
    expect(w.casts).toHaveLength(1);
    const v = w.stored.get('v-1')!;
    expect(v.receipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(v.ballotHash).toBe(ballotHash(w.casts[0]!));
    expect(v.draft).toBeUndefined();
    expect(v.ballot).toEqual(w.casts[0]);
    expect(w.flow.failures.has('v-1')).toBe(false);
  });

  it('the ballot is in storage before it is sent', async () => {
    const w = world();
    await w.flow.refresh();
    w.castAnswers.push(network());
    await w.castIt();
    const beforeSend = w.saves.find((s) => s.ballot);
    expect(beforeSend?.receipt).toBeUndefined();
    expect(beforeSend?.ballot).toEqual(w.casts[0]);
  });

  it('when the send fails / keeps the cast in the outbox and re-sends the identical ballot at the next refresh', async () => {
    const w = world();
    await w.flow.refresh();
    w.castAnswers.push(network());
    await w.castIt();
    expect(w.flow.failures.get('v-1')?.code).toBe('network');
    expect(w.stored.get('v-1')?.ballot).toEqual(w.casts[0]);
    expect(w.stored.get('v-1')?.receipt).toBeUndefined();
    expect(w.stored.get('v-1')?.refused).toBeUndefined();
    await w.flow.refresh();
    expect(w.casts).toHaveLength(2);
    expect(w.casts[1]).toEqual(w.casts[0]);
    expect(w.stored.get('v-1')?.receipt).toBeDefined();
    expect(w.flow.failures.has('v-1')).toBe(false);
  });

  it('a busy or restarting service (503, 429) is retried like a lost network', async () => {
    const w = world();
    await w.flow.refresh();
    w.castAnswers.push(refusal(503, 'unavailable'), refusal(429, 'rate_limited'));
    await w.castIt();
    await w.flow.refresh();
    expect(w.stored.get('v-1')?.refused).toBeUndefined();
    await w.flow.refresh();
    expect(w.casts).toHaveLength(3);
    expect(w.stored.get('v-1')?.receipt).toBeDefined();
  });

  it('when the service refuses the ballot (422) / stores the refusal and never sends it again', async () => {
    const w = world();
    await w.flow.refresh();
    w.castAnswers.push(refusal(422, 'invalid_ballot'));
    await w.castIt();
    expect(w.stored.get('v-1')?.refused).toEqual({ code: 'invalid_ballot', text: 'refused: invalid_ballot' });
    expect(w.flow.failures.get('v-1')?.code).toBe('invalid_ballot');
    await w.flow.refresh();
    await w.flow.refresh();
    expect(w.casts).toHaveLength(1);
    expect(w.stored.get('v-1')?.receipt).toBeUndefined();
  });

  it('when the receipt is not signed by the service / keeps the ballot in the outbox (invalid_signature)', async () => {
    const w = world();
    await w.flow.refresh();
    w.castAnswers.push('rogue-receipt');
    await w.castIt();
    expect(w.flow.failures.get('v-1')?.code).toBe('invalid_signature');
    expect(w.stored.get('v-1')?.receipt).toBeUndefined();
    expect(w.stored.get('v-1')?.refused).toBeUndefined();
    await w.flow.refresh();
    expect(w.stored.get('v-1')?.receipt).toBeDefined();
  });

  it('once a receipt is kept / no refresh and no second cast sends again, and the receipt stays the first', async () => {
    const w = world();
    await w.flow.refresh();
    await w.castIt();
    const receipt = w.stored.get('v-1')?.receipt;
    await w.flow.refresh();
    w.flow.setMark('v-1', 'A', 'a1', 'disapprove');
    await w.flow.cast('v-1');
    expect(w.casts).toHaveLength(1);
    expect(w.flow.canCast('v-1')).toBe(false);
    expect(w.stored.get('v-1')?.receipt).toBe(receipt);
  });

  it('cannot cast while a candidate is unmarked', async () => {
    const w = world();
    await w.flow.refresh();
    w.flow.setMark('v-1', 'A', 'a1', 'approve');
    expect(w.flow.canCast('v-1')).toBe(false);
    await w.flow.cast('v-1');
    expect(w.casts).toEqual([]);
    expect(w.stored.get('v-1')?.draft).toEqual({ A: { a1: 'approve' } });
  });

  it('when the vote is not in the record yet / the ballot waits in the outbox (not_in_record)', async () => {
    const w = world({ state: 'draft', inChain: false });
    await w.flow.refresh();
    w.vote.state = 'open';
    await w.castIt();
    expect(w.casts).toEqual([]);
    expect(w.flow.failures.get('v-1')?.code).toBe('not_in_record');
    expect(w.stored.get('v-1')?.ballot).toBeDefined();
  });
});

describe('a rewritten record', () => {
  it('when the record’s vote key differs from the token’s / refuses to vote from then on', async () => {
    const w = world({ state: 'draft', chainKey: toBase64url(otherKey.publicKey) });
    await w.flow.refresh();
    expect(w.stored.get('v-1')?.token).toBeDefined();
    w.vote.state = 'open';
    await w.flow.refresh();
    expect(w.flow.rewritten).toEqual({ reason: 'vote_key_changed' });
    w.flow.setMark('v-1', 'A', 'a1', 'approve');
    w.flow.setMark('v-1', 'A', 'a2', 'approve');
    expect(w.flow.canCast('v-1')).toBe(false);
    await w.flow.cast('v-1');
    expect(w.casts).toEqual([]);
  });

  it('when the chain no longer extends the pin / the outbox is not sent (record_rewritten)', async () => {
    const w = world();
    await w.flow.refresh();
    w.castAnswers.push(network());
    await w.castIt();
    w.deps.record.verifiedChain = () => Promise.reject(new RecordError('改写 / rewritten', true));
    await w.flow.refresh();
    expect(w.flow.rewritten).toEqual({ reason: 'record', detail: '改写 / rewritten' });
    expect(w.casts).toHaveLength(1);
    expect(w.stored.get('v-1')?.receipt).toBeUndefined();
  });
});

describe('after close', () => {
  it('finds the ballot in the checked record and keeps the close head', async () => {
    const w = world();
    await w.flow.refresh();
    await w.castIt();
    w.closeWith([w.casts[0]!]);
    await w.flow.refresh();
    expect(w.stored.get('v-1')).toMatchObject({ counted: true, closedHead: { seq: 9, hash: 'ee'.repeat(32) } });
  });

  it('when the ballot is not in the record / says so (counted false)', async () => {
    const w = world();
    await w.flow.refresh();
    await w.castIt();
    w.closeWith([]);
    await w.flow.refresh();
    expect(w.stored.get('v-1')?.counted).toBe(false);
  });
});
