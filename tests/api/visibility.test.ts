// Who may read the record (issue 12), tried as an outsider would against records made over HTTP:
// a restricted committee's record is closed to anyone not signed in as one of its people;
// observers read and never act; a share link opens one closed vote's record and nothing else;
// a draft's candidates are in no record before the vote opens; the chain's ETag and `after`
// reads give the same record as a full read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, enrolPerson, NAMES, type CommitteeFixture } from '../helpers/world.ts';
import { approveOnly, cast, castBallot, closeAndPublish, obtainToken, requestToken, rng } from '../helpers/voting.ts';
import { buildBallot } from '../../src/protocol/member-ballot.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import type { ChainEntry } from '../../src/protocol/chain.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';
import { confirmationMessage, countersignatureMessage } from '../../src/protocol/close.ts';
import { runVerify } from '../../src/cli/verify.ts';

/** `piaojue verify` with its output kept. */
async function verifyCli(options: Parameters<typeof runVerify>[0]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runVerify({ threads: 0, ...options }, { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
  return { code, out, err };
}

let service: TestService;
let admin: Session;
let anon: Api;
/** A restricted committee with an observer, one closed vote and one open vote. */
let r: CommitteeFixture;
let observer: Session;
let meetingId: string;
let closedDef: VoteDefinition;
let openDef: VoteDefinition;
let draftId: string;

async function openedVote(c: CommitteeFixture, meeting: string, candidates: string[]): Promise<VoteDefinition> {
  const created = await c.secretary.api.post(`/v1/meetings/${meeting}/votes`, { title: '任免表决', items: [{ post: '局长', seats: 1, candidates }] });
  expect(created.status).toBe(201);
  const opened = await c.secretary.api.post(`/v1/votes/${created.body.id}/open`);
  expect(opened.status).toBe(200);
  return opened.body.definition;
}

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
  anon = new Api(service.url);
  r = await createCommittee(admin, '保密委员会', NAMES.slice(0, 3), undefined, 'restricted');
  const added = await admin.api.post(`/v1/committees/${r.id}/observers`, { name: '列席观察员' });
  expect(added.status).toBe(201);
  observer = await enrolPerson(admin, added.body.personId);
  meetingId = (await r.secretary.api.post(`/v1/committees/${r.id}/meetings`, { title: '常委会会议' })).body.id;
  await r.secretary.api.post(`/v1/meetings/${meetingId}/open`);
  await r.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: r.members.map((m) => m.personId) });
  closedDef = await openedVote(r, meetingId, ['甲一']);
  for (const m of r.members) expect((await cast(service.url, await obtainToken(m, closedDef), approveOnly(closedDef, ['甲一']))).status).toBe(201);
  expect((await closeAndPublish(r.secretary, r.members, closedDef.voteId)).status).toBe(200);
  openDef = await openedVote(r, meetingId, ['乙二']);
  draftId = (
    await r.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '草稿表决', items: [{ post: '副局长', seats: 1, candidates: ['丙三草稿'] }] })
  ).body.id;
});
afterAll(async () => service?.close());

describe('a restricted committee', () => {
  it('is created restricted unless asked otherwise, and says so', async () => {
    const c = await admin.api.post('/v1/committees', { name: '默认委员会' });
    expect(c.body.visibility).toBe('restricted');
    expect((await admin.api.get(`/v1/committees/${r.id}`)).body.visibility).toBe('restricted');
  });

  it('answers an anonymous reader of its chain, tally, status and record 404, exactly as for an id that does not exist', async () => {
    const nowhere = '00000000-0000-4000-8000-000000000000';
    const pairs: [string, string][] = [
      [`/v1/committees/${r.id}/chain`, `/v1/committees/${nowhere}/chain`],
      [`/v1/votes/${closedDef.voteId}/tally`, `/v1/votes/${nowhere}/tally`],
      [`/v1/votes/${closedDef.voteId}/record`, `/v1/votes/${nowhere}/record`],
      [`/v1/votes/${openDef.voteId}/status`, `/v1/votes/${nowhere}/status`],
      [`/v1/votes/${draftId}/status`, `/v1/votes/${nowhere}/status`],
    ];
    for (const [real, none] of pairs) {
      const [a, b] = [await anon.get(real), await anon.get(none)];
      expect({ path: real, status: a.status, code: a.body.code, detail: a.body.detail }).toEqual({
        path: real,
        status: 404,
        code: 'not_found',
        detail: b.body.detail,
      });
    }
    // The signed-in routes stay signed-in: vote and meeting reads need a token.
    for (const path of [`/v1/votes/${closedDef.voteId}`, `/v1/meetings/${meetingId}`, `/v1/meetings/${meetingId}/votes`, `/v1/committees/${r.id}/meetings`]) {
      const a = await anon.get(path);
      expect({ path, status: a.status, code: a.body.code }).toEqual({ path, status: 401, code: 'unauthenticated' });
    }
  });

  it('answers a signed-in outsider 404 on its record', async () => {
    const other = await createCommittee(admin, '别的委员会', NAMES.slice(5, 6));
    for (const path of [`/v1/committees/${r.id}/chain`, `/v1/votes/${closedDef.voteId}/tally`, `/v1/votes/${closedDef.voteId}/record`]) {
      const a = await other.members[0]!.api.get(path);
      expect({ path, status: a.status, code: a.body.code }).toEqual({ path, status: 404, code: 'not_found' });
    }
  });

  it('is read by its members, secretaries, observers and administrators, and the record verifies', async () => {
    const jwks = (await anon.get('/.well-known/jwks.json')).body;
    for (const s of [r.members[0]!, r.secretary, observer, admin]) {
      expect((await s.api.get(`/v1/committees/${r.id}/chain`)).status).toBe(200);
      expect((await s.api.get(`/v1/votes/${closedDef.voteId}/tally`)).status).toBe(200);
      expect((await s.api.get(`/v1/votes/${openDef.voteId}/status`)).status).toBe(200);
    }
    const record = (await observer.api.get(`/v1/votes/${closedDef.voteId}/record`)).body;
    expect((await verifyRecord(record, { jwks, randomBytes: rng })).ok).toBe(true);
  });

  it('becomes public when an administrator says so, and the change is in the access log', async () => {
    const c = await createCommittee(admin, '转公开委员会', NAMES.slice(6, 7), undefined, 'restricted');
    expect((await anon.get(`/v1/committees/${c.id}/chain`)).status).toBe(404);
    const patched = await admin.api.patch(`/v1/committees/${c.id}`, { visibility: 'public' });
    expect(patched.body.visibility).toBe('public');
    expect((await anon.get(`/v1/committees/${c.id}/chain`)).status).toBe(200);
    const log = (await c.secretary.api.get(`/v1/committees/${c.id}/access-log`)).body.events;
    expect(log).toEqual([{ at: expect.any(String), by: admin.personId, action: 'visibility.changed', detail: { from: 'restricted', to: 'public' } }]);
    // The same setting again changes nothing and logs nothing.
    await admin.api.patch(`/v1/committees/${c.id}`, { visibility: 'public' });
    expect((await c.secretary.api.get(`/v1/committees/${c.id}/access-log`)).body.events).toHaveLength(1);
    const bad = await admin.api.patch(`/v1/committees/${c.id}`, { visibility: 'secret' });
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'validation_failed' });
  });
});

describe('an observer', () => {
  it('reads meetings, votes and the closing view, but never a draft', async () => {
    expect((await observer.api.get('/v1/me')).body.observerOf).toEqual([r.id]);
    expect((await observer.api.get(`/v1/votes/${openDef.voteId}`)).status).toBe(200);
    expect((await observer.api.get(`/v1/meetings/${meetingId}/attendance`)).status).toBe(200);
    const listed = (await observer.api.get(`/v1/meetings/${meetingId}/votes`)).body.votes.map((v: { id: string }) => v.id);
    expect(listed).toContain(openDef.voteId);
    expect(listed).not.toContain(draftId);
    const draft = await observer.api.get(`/v1/votes/${draftId}`);
    expect({ status: draft.status, code: draft.body.code }).toEqual({ status: 404, code: 'not_found' });
    // A member sees the draft, as before.
    expect((await r.members[0]!.api.get(`/v1/votes/${draftId}`)).status).toBe(200);
  });

  it('gets 403 on the token, confirmation, countersignature and every secretary act, and cannot cast', async () => {
    const before = await service.ctx.db.query('SELECT count(*) AS n FROM token_issuances');
    const token = await requestToken(observer, openDef.voteId);
    expect({ status: token.reply.status, code: token.reply.body.code }).toEqual({ status: 403, code: 'not_eligible' });
    const confirm = await observer.api.post(`/v1/votes/${closedDef.voteId}/confirmations`, {
      deviceSignature: await observer.device.sign(confirmationMessage(closedDef.voteId, 'x')),
    });
    expect({ status: confirm.status, code: confirm.body.code }).toEqual({ status: 403, code: 'not_eligible' });
    const counter = await observer.api.post(`/v1/votes/${openDef.voteId}/countersignatures`, {
      deviceSignature: await observer.device.sign(countersignatureMessage(openDef.voteId, 'x')),
    });
    expect({ status: counter.status, code: counter.body.code }).toEqual({ status: 403, code: 'forbidden' });
    for (const [method, path, body] of [
      ['post', `/v1/votes/${openDef.voteId}/close`, undefined],
      ['put', `/v1/meetings/${meetingId}/attendance`, { present: [] }],
      ['post', `/v1/meetings/${meetingId}/close`, undefined],
      ['post', `/v1/meetings/${meetingId}/votes`, { title: 'x', items: [{ post: '局长', seats: 1, candidates: ['丁四'] }] }],
      ['post', `/v1/votes/${closedDef.voteId}/shares`, undefined],
      ['put', `/v1/meetings/${meetingId}/inspectors`, { inspectors: [observer.personId] }],
    ] as const) {
      const a = method === 'post' ? await observer.api.post(path, body) : await observer.api.put(path, body);
      expect({ path, status: a.status, code: a.body.code }).toEqual({ path, status: 403, code: 'forbidden' });
    }
    // A ballot is anonymous: sent with the observer's credentials it is refused unread, and
    // without a token signed by the vote's key there is nothing to cast.
    const cred = await observer.api.req('POST', '/v1/ballots', { voteId: openDef.voteId });
    expect({ status: cred.status, code: cred.body.code }).toEqual({ status: 400, code: 'credentials_not_allowed' });
    expect(await service.ctx.db.query('SELECT count(*) AS n FROM token_issuances')).toEqual(before);
  });

  it('is refused when a member or secretary of the committee, or already an observer', async () => {
    for (const personId of [r.members[0]!.personId, r.secretary.personId, observer.personId]) {
      const a = await admin.api.post(`/v1/committees/${r.id}/observers`, { personId });
      expect({ status: a.status, code: a.body.code }).toEqual({ status: 409, code: 'conflict' });
    }
  });
});

describe('a share link', () => {
  it('is refused before the close, opens the record after it, and is refused once revoked', async () => {
    const def = await openedVote(r, meetingId, ['戊五']);
    const made = await r.secretary.api.post(`/v1/votes/${def.voteId}/shares`);
    expect(made.status).toBe(201);
    const cap: string = made.body.capability;
    expect(cap).toMatch(/^pjs_[A-Za-z0-9_-]{43}$/);
    expect(made.body.observerPath).toBe(`#/observer?record=${encodeURIComponent(`/v1/votes/${def.voteId}/record`)}&cap=${cap}`);
    // Only its hash is stored.
    const stored = await service.ctx.db.query<{ token_hash: string }>('SELECT token_hash FROM vote_shares WHERE id = $1', [made.body.shareId]);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await service.ctx.db.query('SELECT * FROM vote_shares'))).not.toContain(cap.slice(4));

    const early = await anon.get(`/v1/votes/${def.voteId}/record?share=${cap}`);
    expect({ status: early.status, code: early.body.code }).toEqual({ status: 403, code: 'share_not_yet_valid' });
    expect((await anon.get(`/v1/votes/${def.voteId}/status?share=${cap}`)).body.code).toBe('share_not_yet_valid');

    for (const m of r.members) await cast(service.url, await obtainToken(m, def), approveOnly(def, ['戊五']));
    await closeAndPublish(r.secretary, r.members, def.voteId);

    const record = await anon.get(`/v1/votes/${def.voteId}/record?share=${cap}`);
    expect(record.status).toBe(200);
    const jwks = (await anon.get('/.well-known/jwks.json')).body;
    expect((await verifyRecord(record.body, { jwks, randomBytes: rng })).ok).toBe(true);
    expect((await anon.req('GET', `/v1/votes/${def.voteId}/tally`, undefined, { headers: { 'piaojue-share': cap } })).status).toBe(200);
    // The chain through the vote's close, and no further: that entry is the head shown.
    const chain = await anon.get(`/v1/committees/${r.id}/chain?share=${cap}`);
    expect(chain.status).toBe(200);
    expect(chain.body.head).toEqual(record.body.head);
    expect(chain.body.entries).toEqual(record.body.entries);
    // Another vote's record is not opened by it.
    const other = await anon.get(`/v1/votes/${closedDef.voteId}/record?share=${cap}`);
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 403, code: 'share_invalid' });

    // The command-line verifier takes the link as the secretary hands it out.
    const link = `${service.url}/${made.body.observerPath}`;
    expect(await verifyCli({ link })).toMatchObject({ code: 0 });
    expect(await verifyCli({ url: service.url, vote: def.voteId })).toMatchObject({ code: 2, err: expect.stringContaining('404') });

    const list = await r.secretary.api.get(`/v1/votes/${def.voteId}/shares`);
    expect(list.body.shares).toEqual([
      { shareId: made.body.shareId, voteId: def.voteId, createdBy: r.secretary.personId, createdAt: expect.any(String), revokedAt: null },
    ]);
    expect((await admin.api.delete(`/v1/votes/${def.voteId}/shares/${made.body.shareId}`)).status).toBe(204);
    const revoked = await anon.get(`/v1/votes/${def.voteId}/record?share=${cap}`);
    expect({ status: revoked.status, code: revoked.body.code }).toEqual({ status: 403, code: 'share_invalid' });
    expect(await verifyCli({ link })).toMatchObject({ code: 2, err: expect.stringContaining('share_invalid') });
    const log = (await admin.api.get(`/v1/committees/${r.id}/access-log`)).body.events.map((e: { action: string; by: string }) => [e.action, e.by]);
    expect(log).toEqual(
      expect.arrayContaining([
        ['share.created', r.secretary.personId],
        ['share.revoked', admin.personId],
      ]),
    );
  });

  it('refuses an altered or guessed capability, with one answer for each', async () => {
    const cap: string = (await r.secretary.api.post(`/v1/votes/${closedDef.voteId}/shares`)).body.capability;
    expect((await anon.get(`/v1/votes/${closedDef.voteId}/record?share=${cap}`)).status).toBe(200);
    const last = cap.at(-1) === 'A' ? 'B' : 'A';
    const guessed = `pjs_${Buffer.from(rng(32)).toString('base64url')}`;
    for (const bad of [cap.slice(0, -1) + last, guessed, cap.slice(0, -1), `${cap}x`, 'pjs_', '']) {
      const a = await anon.get(`/v1/votes/${closedDef.voteId}/record?share=${encodeURIComponent(bad)}`);
      expect({ bad, status: a.status, code: a.body.code }).toEqual({ bad, status: 403, code: 'share_invalid' });
    }
  });
});

describe('a draft', () => {
  it('is in no chain read before the vote opens, even on a public committee, and enters it at open', async () => {
    const p = await createCommittee(admin, '公开委员会', NAMES.slice(8, 10));
    expect((await admin.api.get(`/v1/committees/${p.id}`)).body.visibility).toBe('public');
    const meeting = (await p.secretary.api.post(`/v1/committees/${p.id}/meetings`, { title: '会议' })).body.id;
    const draft = await p.secretary.api.post(`/v1/meetings/${meeting}/votes`, {
      title: '人事表决',
      items: [{ post: '局长', seats: 1, candidates: ['秘密候选人'] }],
    });
    expect(draft.body).toMatchObject({ state: 'draft', createdSeq: null });
    const before = await anon.get(`/v1/committees/${p.id}/chain`);
    expect(before.status).toBe(200);
    expect(JSON.stringify(before.body)).not.toContain('秘密候选人');
    expect(JSON.stringify(before.body)).not.toContain(draft.body.definition.publicKey);
    expect(before.body.entries.some((e: ChainEntry) => e.kind === 'vote.created')).toBe(false);
    const status = await anon.get(`/v1/votes/${draft.body.id}/status`);
    expect(JSON.stringify(status.body)).not.toContain('秘密候选人');
    for (const path of [`/v1/votes/${draft.body.id}/record`, `/v1/votes/${draft.body.id}/tally`]) {
      const a = await anon.get(path);
      expect({ status: a.status, code: a.body.code }).toEqual({ status: 409, code: 'invalid_state' });
    }

    await p.secretary.api.post(`/v1/meetings/${meeting}/open`);
    await p.secretary.api.put(`/v1/meetings/${meeting}/attendance`, { present: p.members.map((m) => m.personId) });
    const opened = await p.secretary.api.post(`/v1/votes/${draft.body.id}/open`);
    const after = await anon.get(`/v1/committees/${p.id}/chain?after=${before.body.head.seq}`);
    const created = after.body.entries.filter((e: ChainEntry) => e.kind === 'vote.created');
    expect(created).toEqual([expect.objectContaining({ seq: opened.body.createdSeq, body: { definition: draft.body.definition, by: p.secretary.personId } })]);

    // And the vote runs to a record that verifies.
    const def: VoteDefinition = opened.body.definition;
    for (const m of p.members)
      expect((await castBallot(service.url, buildBallot(await obtainToken(m, def), approveOnly(def, ['秘密候选人'])))).status).toBe(201);
    await closeAndPublish(p.secretary, p.members, def.voteId);
    const jwks = (await anon.get('/.well-known/jwks.json')).body;
    expect((await verifyRecord((await anon.get(`/v1/votes/${def.voteId}/record`)).body, { jwks, randomBytes: rng })).ok).toBe(true);
  });
});

describe('reading the chain again', () => {
  it('answers 304 to If-None-Match with the head, and `after` reassembles the same record, which verifies', async () => {
    const member = r.members[0]!;
    const full = await member.api.get(`/v1/committees/${r.id}/chain`);
    expect(full.headers.get('etag')).toBe(`"${full.body.head.hash}"`);
    const again = await member.api.req('GET', `/v1/committees/${r.id}/chain?after=${full.body.head.seq}`, undefined, {
      headers: { 'if-none-match': full.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    // A stale tag gets the answer in full.
    const stale = await member.api.req('GET', `/v1/committees/${r.id}/chain`, undefined, { headers: { 'if-none-match': '"0000"' } });
    expect(stale.status).toBe(200);

    // Read in pieces, as a polling page does: what it holds, then only what came after.
    const half = Math.floor(full.body.head.seq / 2);
    const first = (await member.api.get(`/v1/committees/${r.id}/chain?to=${half}`)).body.entries as ChainEntry[];
    const rest = (await member.api.get(`/v1/committees/${r.id}/chain?after=${half}`)).body.entries as ChainEntry[];
    expect([...first, ...rest]).toEqual(full.body.entries);
    const both = await member.api.get(`/v1/committees/${r.id}/chain?after=1&from=2`);
    expect({ status: both.status, code: both.body.code }).toEqual({ status: 400, code: 'validation_failed' });

    // The reassembled chain through the close is the vote's record, and it verifies.
    const closedSeq = (await member.api.get(`/v1/votes/${closedDef.voteId}/tally`)).body.closedSeq as number;
    const entries = [...first, ...rest].filter((e) => e.seq <= closedSeq);
    const record = { committeeId: r.id, voteId: closedDef.voteId, entries, head: { seq: entries.at(-1)!.seq, hash: entries.at(-1)!.hash } };
    expect(record).toEqual((await member.api.get(`/v1/votes/${closedDef.voteId}/record`)).body);
    const jwks = (await anon.get('/.well-known/jwks.json')).body;
    expect((await verifyRecord(record, { jwks, randomBytes: rng })).ok).toBe(true);
  });
});
