// Issue 11: each candidate may carry 现任职务 (currentPost) and 拟任职务 (proposedPost). They are
// part of the vote definition (so in the record and hashed), stay with their names through the
// stroke-order sort, and are absent when not given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, NAMES, type CommitteeFixture } from '../helpers/world.ts';
import { approveOnly, cast, closeAndPublish, obtainToken, rng } from '../helpers/voting.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';

let service: TestService;
let admin: Session;
let c: CommitteeFixture;
let meetingId: string;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
  c = await createCommittee(admin, '县委常委会', NAMES.slice(0, 9));
  meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '第3次常委会' })).body.id;
});
afterAll(async () => service?.close());

// Given in an order the stroke sort changes (李 7 strokes, 万 3, 于 3: 于伟国, 万立骏, 李干杰).
const ITEMS = [
  { post: '县财政局局长', seats: 1, candidates: [{ name: '王小洪', currentPost: '县财政局副局长' }] },
  {
    post: '县委办公室副主任',
    seats: 2,
    candidates: [
      { name: '李干杰', currentPost: '县发改委主任', proposedPost: '县委办公室副主任（正科级）' },
      '万立骏',
      { name: '于伟国', currentPost: '某镇党委书记' },
    ],
  },
];

const create = (items: unknown) => c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '干部任免表决', items });

describe('candidates with 现任职务 and 拟任职务', () => {
  let def: VoteDefinition;

  it('stores each post with its name through the stroke-order sort, and omits posts not given', async () => {
    const r = await create(ITEMS);
    expect(r.status).toBe(201);
    def = r.body.definition;
    expect(def.items[0]!.candidates).toEqual([{ candidateId: 'c1', name: '王小洪', currentPost: '县财政局副局长' }]);
    expect(def.items[1]!.candidates).toEqual([
      { candidateId: 'c2', name: '于伟国', currentPost: '某镇党委书记' },
      { candidateId: 'c3', name: '万立骏' },
      { candidateId: 'c4', name: '李干杰', currentPost: '县发改委主任', proposedPost: '县委办公室副主任（正科级）' },
    ]);
    expect(r.body.createdSeq).toBeNull();
  });

  it('publishes a record that carries the posts and verifies', async () => {
    const present = c.members.slice(0, 7);
    await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: present.map((m) => m.personId) });
    const opened = await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    expect(opened.status).toBe(200);
    // The definition, posts and all, enters the record when the vote opens.
    const chain = await new Api(service.url).get(`/v1/committees/${c.id}/chain?from=${opened.body.createdSeq}&to=${opened.body.createdSeq}`);
    expect(chain.body.entries[0]).toMatchObject({ kind: 'vote.created', body: { definition: def } });
    for (const m of present) {
      const token = await obtainToken(m, def);
      expect((await cast(service.url, token, approveOnly(def, ['王小洪', '于伟国', '李干杰']))).status).toBe(201);
    }
    await closeAndPublish(c.secretary, present, def.voteId);
    const record = (await new Api(service.url).get(`/v1/votes/${def.voteId}/record`)).body;
    const created = record.entries.find((e: { kind: string }) => e.kind === 'vote.created');
    expect(created.body.definition).toEqual(def);
    const jwks = (await new Api(service.url).get('/.well-known/jwks.json')).body;
    const report = await verifyRecord(record, { jwks, randomBytes: rng });
    expect(report.checks.filter((ch) => !ch.ok)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  const refused: [string, unknown, string][] = [
    ['a 现任职务 over 100 characters', { name: '王小洪', currentPost: '局'.repeat(101) }, 'items.0.candidates.0.currentPost'],
    ['a 拟任职务 over 100 characters', { name: '王小洪', proposedPost: '局'.repeat(101) }, 'items.0.candidates.0.proposedPost'],
    ['an empty 现任职务', { name: '王小洪', currentPost: '  ' }, 'items.0.candidates.0.currentPost'],
    ['a NUL in 现任职务', { name: '王小洪', currentPost: '县财政局\u0000副局长' }, 'items.0.candidates.0.currentPost'],
    ['an escape character in 拟任职务', { name: '王小洪', proposedPost: '局长\u001b[2J' }, 'items.0.candidates.0.proposedPost'],
    ['a line break in 现任职务', { name: '王小洪', currentPost: '县财政局\n副局长' }, 'items.0.candidates.0.currentPost'],
    ['a C1 control in 现任职务', { name: '王小洪', currentPost: '县财政局\u0080副局长' }, 'items.0.candidates.0.currentPost'],
    ['a line separator in 拟任职务', { name: '王小洪', proposedPost: '县财政局\u2028局长' }, 'items.0.candidates.0.proposedPost'],
    ['a tab in 拟任职务', { name: '王小洪', proposedPost: '县财政局\t局长' }, 'items.0.candidates.0.proposedPost'],
    ['an unknown candidate field', { name: '王小洪', post: '局长' }, 'items.0.candidates.0.post'],
    ['an object without a name', { currentPost: '局长' }, 'items.0.candidates.0'],
  ];
  for (const [what, candidate, field] of refused) {
    it(`refuses ${what} with 400 validation_failed naming ${field}`, async () => {
      const r = await create([{ post: '县财政局局长', seats: 1, candidates: [candidate] }]);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'validation_failed', field });
    });
  }

  it('refuses a name given twice, once as a string and once with posts', async () => {
    const r = await create([{ post: '副县长', seats: 1, candidates: ['甲一', { name: '甲一', currentPost: '局长' }] }]);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'validation_failed', field: 'items.0.candidates' });
  });
});
