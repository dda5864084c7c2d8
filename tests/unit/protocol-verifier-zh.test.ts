// Issue 11: every check's Chinese detail (detailZh) is Chinese, including the reasons that come
// from deep inside the protocol (parseEntry, parseVoteDefinition, validateBallot, checkChainLinks,
// decodeG2, verifyTallySignature). A battery of malformed and tampered records, version 1 and 2;
// for each report, every check's detailZh — passed, failed or not checked — holds no English word.
//
// What counts as an English word (englishWords below), after removing what may stay as it is:
//   1. double-quoted JSON strings ("…"): values quoted verbatim from the record;
//   2. tokens made of [A-Za-z0-9_.$-] that hold a dot, underscore, hyphen or digit: field paths
//      (entries.3.body.present), entry kinds (vote.created), ids (m-01, v-1), hex, base64url,
//      G1 / G2 / ES256 / UTF-8;
//   3. camelCase tokens (memberId, publicKey) and every key the record uses as a field name
//      (entries, head, seq, hash, prev, choices, items, version, …) plus the JWS header members;
//   4. all-capital acronyms (JSON, JWS, JCS) and the names base64url and EdDSA;
//   5. a single letter (the group order r in "[1, r)").
// Whatever Latin run of two or more letters is left is an English word, and fails the test.
import { importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { ballotHash, type Ballot } from '../../src/protocol/ballot.ts';
import type { ChainEntry, VoteRecord } from '../../src/protocol/chain.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import { RECEIPT_TYP, signCanonical, signTally } from '../../src/protocol/receipt.ts';
import { inPlaceAccelerator, verifyRecord, type VerificationReport, type VerifyAccelerator } from '../../src/protocol/verifier.ts';
import { buildScenario, serviceKey, type Scenario } from '../../testkit/protocol-scenario.ts';
import { rehash } from '../helpers/records.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

const v1 = await buildScenario('verifier-zh');
const v2 = await buildScenario('verifier-zh/v2', { version: 2 });
const rnd = seededRandom('coefficients-zh');

type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
/** Records as the tamperer sees them: plain JSON, any shape. */
type Json = Record<string, any>;

/** Every key used anywhere in a record, and the JWS protected header's members. */
function fieldNames(value: unknown, into = new Set<string>(['alg', 'kid', 'typ', 'jws'])): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => fieldNames(v, into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      fieldNames(v, into);
    }
  }
  return into;
}
const FIELDS = fieldNames([v1.record, v2.record]);
const TERMS = new Set(['base64url', 'EdDSA']);

/** The English words left in a Chinese detail (see the header for what may stay). */
function englishWords(zh: string): string[] {
  const text = zh.replace(/"(?:[^"\\]|\\.)*"/g, ' ');
  const words: string[] = [];
  for (const token of text.match(/[A-Za-z0-9_.$-]+/g) ?? []) {
    if (/[._$\-0-9]/.test(token)) continue; // a path, an id, hex, base64url, G2, ES256
    if (/[a-z][A-Z]/.test(token)) continue; // camelCase identifier
    if (FIELDS.has(token) || TERMS.has(token)) continue;
    if (/^[A-Z]+$/.test(token)) continue; // acronym
    if (token.length < 2) continue; // a single letter (r)
    words.push(token);
  }
  return words;
}

/** A deep copy of the scenario's record, changed, re-hashed unless told otherwise. */
function tampered(s: Scenario, mutate: (r: Json, closed: Json) => void, options: { rehash?: boolean } = {}): Json {
  // Through JSON, not structuredClone: the scenario shares one rules object between the
  // committee and the vote, and structuredClone would keep them one object.
  const record = JSON.parse(JSON.stringify(s.record)) as Json;
  mutate(record, record.entries.at(-1));
  return options.rehash === false ? record : rehash(record as VoteRecord);
}
const entryOf = (r: Json, kind: ChainEntry['kind']): Json => r.entries.find((e: Json) => e.kind === kind);
const indexOf = (r: Json, kind: ChainEntry['kind']): number => r.entries.findIndex((e: Json) => e.kind === kind);
const definitionOf = (r: Json): Json => entryOf(r, 'vote.created').body.definition;
const sortByHash = (bs: Ballot[]) => bs.sort((a, b) => (ballotHash(a) < ballotHash(b) ? -1 : 1));

const verify = (s: Scenario, record: unknown, extra: { pinnedHead?: { seq: number; hash: string }; accelerator?: VerifyAccelerator } = {}) =>
  verifyRecord(JSON.parse(JSON.stringify(record)), { jwks: s.service.jwks, randomBytes: rnd, ...extra });

const detailOf = (report: VerificationReport, id: string) => report.checks.find((c) => c.id === id)!;

/** The battery: [what, scenario, record or a way to make it]. */
function battery(): [string, Scenario, () => unknown][] {
  const cases: [string, Scenario, () => unknown][] = [];
  for (const s of [v1, v2]) {
    const v = s === v1 ? 'v1' : 'v2';
    const add = (what: string, make: () => unknown) => cases.push([`${v}: ${what}`, s, make]);
    // The record's own shape.
    add('a record that is a number', () => 42);
    add('a record without voteId', () => ({ ...s.record, voteId: undefined }));
    add('empty entries', () => ({ ...s.record, entries: [] }));
    add('a head without hash', () => ({ ...s.record, head: { seq: 1 } }));
    add('a head with an extra member', () => ({ ...s.record, head: { ...s.record.head, extra: 1 } }));
    add('a record carrying its own keys', () => ({ ...s.record, jwks: { keys: [] } }));
    // Malformed entries of each kind.
    add('an entry that is a number', () => tampered(s, (r) => (r.entries[2] = 5), { rehash: false }));
    add('an entry with an extra field', () => tampered(s, (r) => (r.entries[1].note = 'x'), { rehash: false }));
    add('an entry of an unknown kind', () => tampered(s, (r) => (r.entries[1].kind = 'vote.deleted'), { rehash: false }));
    add('an entry whose seq is text', () => tampered(s, (r) => (r.entries[1].seq = 'one'), { rehash: false }));
    add('an entry whose prev is not hex', () => tampered(s, (r) => (r.entries[1].prev = 'not hex'), { rehash: false }));
    add('committee.created without marks', () => tampered(s, (r) => delete entryOf(r, 'committee.created').body.marks));
    add('committee.created with a quorum above 1', () => tampered(s, (r) => (entryOf(r, 'committee.created').body.rules.quorum = { num: 4, den: 3 })));
    add('committee.created with a mark list lacking approve', () =>
      tampered(s, (r) => (entryOf(r, 'committee.created').body.marks = ['disapprove', 'abstain'])),
    );
    add('committee.created with an unknown mark', () => tampered(s, (r) => (entryOf(r, 'committee.created').body.marks = ['approve', 'maybe'])));
    add('roster.changed with a non-boolean voting right', () => tampered(s, (r) => (entryOf(r, 'roster.changed').body.members[0].votingRight = 'yes')));
    add('roster.changed out of member order', () => tampered(s, (r) => entryOf(r, 'roster.changed').body.members.reverse()));
    add('roster.changed with a name too long', () => tampered(s, (r) => (entryOf(r, 'roster.changed').body.members[0].name = '名'.repeat(65))));
    add('device.enrolled with a fingerprint of another key', () => tampered(s, (r) => (entryOf(r, 'device.enrolled').body.fingerprint = 'a'.repeat(64))));
    add('device.enrolled with a key that is not a key', () => tampered(s, (r) => (entryOf(r, 'device.enrolled').body.device.key = 'AAAA')));
    add('device.enrolled with an unknown algorithm', () => tampered(s, (r) => (entryOf(r, 'device.enrolled').body.device.alg = 'RSA')));
    add('attendance.recorded out of order', () => tampered(s, (r) => entryOf(r, 'attendance.recorded').body.present.reverse()));
    add('attendance.recorded with a negative 应到', () => tampered(s, (r) => (entryOf(r, 'attendance.recorded').body.entitled = -1)));
    add('a definition without items', () => tampered(s, (r) => (definitionOf(r).items = [])));
    add('a definition whose key is not 96 bytes', () => tampered(s, (r) => (definitionOf(r).publicKey = 'AAAA')));
    add('a definition repeating an item id', () => tampered(s, (r) => (definitionOf(r).items[1].itemId = definitionOf(r).items[0].itemId)));
    add('a definition repeating a candidate id', () =>
      tampered(s, (r) => (definitionOf(r).items[1].candidates[1].candidateId = definitionOf(r).items[1].candidates[0].candidateId)),
    );
    add('a definition with more seats than candidates', () => tampered(s, (r) => (definitionOf(r).items[0].seats = 2)));
    add('a definition with a quorum rule above 1', () => tampered(s, (r) => (definitionOf(r).rules.quorum = { num: 5, den: 3 })));
    add('a definition with a ratio of 20', () => tampered(s, (r) => (definitionOf(r).rules.minCandidateRatio = 20)));
    add('a definition with an unknown collation', () => tampered(s, (r) => (definitionOf(r).rules.collation = 'alphabetical')));
    add('vote.closed whose tally is a string', () => tampered(s, (_, c) => (c.body.tally = 'tally')));
    add('vote.closed without issuances', () => tampered(s, (_, c) => delete c.body.issuances));
    add('an issuance whose blinded point is short', () => tampered(s, (_, c) => (c.body.issuances[0].blindedPoint = 'AAAA')));
    add('an issuance whose blinded point is not base64url', () => tampered(s, (_, c) => (c.body.issuances[0].blindedPoint = '***')));
    add('an issuance whose fingerprint is upper-case', () =>
      tampered(s, (_, c) => (c.body.issuances[0].deviceFingerprint = c.body.issuances[0].deviceFingerprint.toUpperCase())),
    );
    add('a ballot that is an array', () => tampered(s, (_, c) => (c.body.ballots[0] = [])));
    add('an entry with a lone surrogate', () => tampered(s, (r) => (entryOf(r, 'committee.created').body.name = '常委\ud800会'), { rehash: false }));
    // Chain links and hashes.
    add('an entry changed without re-hashing', () => tampered(s, (r) => (entryOf(r, 'roster.changed').body.members[0].name = '委员X'), { rehash: false }));
    add('an entry dropped', () => tampered(s, (r) => r.entries.splice(3, 1), { rehash: false }));
    add('an entry linked to the wrong predecessor', () => tampered(s, (r) => (r.entries[2].prev = '0'.repeat(64)), { rehash: false }));
    add('an entry of another committee', () => tampered(s, (r) => (r.entries[2].committeeId = 'c-9')));
    add('a stated head that is not the last entry', () => tampered(s, (r) => (r.head = { seq: 3, hash: r.entries[3].hash }), { rehash: false }));
    // The vote and its key.
    add('a vote key of zeros', () => tampered(s, (r) => (definitionOf(r).publicKey = toBase64url(new Uint8Array(96)))));
    add('a vote key that is the identity', () =>
      tampered(s, (r) => (definitionOf(r).publicKey = toBase64url(Uint8Array.from({ length: 96 }, (_, i) => (i === 0 ? 0xc0 : 0))))),
    );
    add('a record for another vote', () => ({ ...s.record, voteId: 'v-9' }));
    add('a vote of another committee', () => tampered(s, (r) => (definitionOf(r).committeeId = 'c-9')));
    // Rules, marks, ratio, run-off, stroke order, authority.
    add('a committee counting on 实到', () => tampered(s, (r) => (entryOf(r, 'committee.created').body.rules.majorityBase = 'present')));
    add('a committee with another collation', () => tampered(s, (r) => (entryOf(r, 'committee.created').body.rules.collation = 'fullname')));
    add('a committee with another quorum', () => tampered(s, (r) => (entryOf(r, 'committee.created').body.rules.quorum = { num: 1, den: 2 })));
    add('a committee offering 缓议', () => tampered(s, (r) => entryOf(r, 'committee.created').body.marks.push('defer')));
    // Malformed ballots.
    add('a ballot with an extra field', () => tampered(s, (_, c) => (c.body.ballots[0].note = 'x')));
    add('a ballot for another vote', () => tampered(s, (_, c) => (c.body.ballots[0].voteId = 'v-9')));
    add('a ballot whose signature is short', () => tampered(s, (_, c) => (c.body.ballots[0].signature = 'AAAA')));
    add('a ballot whose choices are text', () => tampered(s, (_, c) => (c.body.ballots[0].choices = 'yes')));
    add('a ballot naming an unknown item', () => tampered(s, (_, c) => (c.body.ballots[0].choices.Z = {})));
    add('a ballot missing an item', () => tampered(s, (_, c) => delete c.body.ballots[0].choices.B));
    add('a ballot whose item is text', () => tampered(s, (_, c) => (c.body.ballots[0].choices.B = 'approve')));
    add('a ballot naming an unknown candidate', () => tampered(s, (_, c) => (c.body.ballots[0].choices.B.zz = 'approve')));
    add('a ballot missing a candidate', () => tampered(s, (_, c) => delete c.body.ballots[0].choices.B.b1));
    add('a ballot with a mark the vote does not offer', () => tampered(s, (_, c) => (c.body.ballots[0].choices.A.a1 = 'defer')));
    add('reordered ballots', () => tampered(s, (_, c) => c.body.ballots.reverse()));
    add('a duplicated ballot', () => tampered(s, (_, c) => c.body.ballots.splice(2, 0, structuredClone(c.body.ballots[2]))));
    // Issuances and turnout.
    add('issuances out of order', () => tampered(s, (_, c) => c.body.issuances.reverse()));
    add('an issuance for an absent member', () => tampered(s, (_, c) => (c.body.issuances.at(-1).memberId = 'm-11')));
    add('a forged issuance signature', () => tampered(s, (_, c) => (c.body.issuances[1].deviceSignature = c.body.issuances[2].deviceSignature)));
    add('a dropped issuance', () => tampered(s, (_, c) => c.body.issuances.splice(0, 1)));
    // The tally and its signature.
    add('a changed count in the tally', () => tampered(s, (_, c) => (c.body.tally.items[0].candidates[0].approve += 1)));
    add('a changed outcome in the tally', () => tampered(s, (_, c) => (c.body.tally.items[0].candidates[0].outcome = 'not_elected')));
    add('a tally signature that is not a JWS', () => tampered(s, (_, c) => (c.body.tallySignature = 'abc')));
    add('a tally re-signed by another key', async () => {
      const rogue = serviceKey('rogue-zh');
      const sig = await signTally((s.record.entries.at(-1) as Closed).body.tally, await importJWK(rogue.privateJwk, 'EdDSA'), s.service.kid);
      return tampered(s, (_, c) => (c.body.tallySignature = sig));
    });
    add('a tally signed as a receipt', async () => {
      const tally = (s.record.entries.at(-1) as Closed).body.tally;
      const sig = await signCanonical(tally, await importJWK(s.service.privateJwk, 'EdDSA'), s.service.kid, RECEIPT_TYP);
      return tampered(s, (_, c) => (c.body.tallySignature = sig));
    });
  }
  // Version 2 only: ratio, run-off, stroke order, authority, the close's signatures.
  const add = (what: string, make: () => unknown) => cases.push([`v2: ${what}`, v2, make]);
  add('a differential item below the ratio', () =>
    tampered(v2, (r) => {
      const item = definitionOf(r).items[1];
      item.seats = 3;
      item.candidates.push({ candidateId: 'b4', name: '丁一' });
    }),
  );
  add('a run-off of a vote that never was', () => tampered(v2, (r) => (definitionOf(r).runoffOf = 'v-0')));
  add('candidates out of stroke order', () => tampered(v2, (r) => definitionOf(r).items[1].candidates.reverse()));
  add('a vote created by someone not a secretary', () => tampered(v2, (r) => (entryOf(r, 'vote.created').body.by = 'p-nobody')));
  add('a secretary appointed by someone not an administrator', () => tampered(v2, (r) => (entryOf(r, 'secretary.appointed').body.by = 'p-nobody')));
  add('a vote closed by someone not a secretary', () => tampered(v2, (_, c) => (c.body.by = 'p-nobody')));
  add('a candidate post on two lines', () => tampered(v2, (r) => (definitionOf(r).items[0].candidates[0].currentPost = '局长\n书记')));
  add('a definition of version 3', () => tampered(v2, (r) => (definitionOf(r).version = 3)));
  add('inspectors.designated naming nobody', () => tampered(v2, (r) => (entryOf(r, 'inspectors.designated').body.inspectors = [])));
  add('a decision accepting no ballot', () => tampered(v2, (_, c) => (c.body.decision = { unconfirmed: 0, reason: '手机没电', by: 'p-secretary' })));
  add('a confirmation dropped', () => tampered(v2, (_, c) => c.body.confirmations.splice(0, 1)));
  add('a countersignature dropped', () => tampered(v2, (_, c) => c.body.countersignatures.splice(0, 1)));
  add('a ballot whose one-time key signature is another’s', () =>
    tampered(v2, (_, c) => {
      c.body.ballots[0].ballotSignature = c.body.ballots[1].ballotSignature;
      sortByHash(c.body.ballots);
    }),
  );
  return cases;
}

describe('englishWords (the test’s own check)', () => {
  it('finds English words and lets field paths, ids, hex, acronyms and quoted values through', () => {
    expect(englishWords('记录项 #3 does not link')).toEqual(['does', 'not', 'link']);
    expect(englishWords('entries.3：body.members.0.votingRight 必须是布尔值')).toEqual([]);
    expect(englishWords('head 必须是 { seq, hash }；memberId m-01、vote.created、G2、JWS、base64url、a1b2c3d4e5f6')).toEqual([]);
    expect(englishWords('表决的 rules.collation 为 "alphabetical"')).toEqual([]);
    expect(englishWords('候选人按 surname 笔画顺序排列')).toEqual(['surname']);
  });
});

describe('every Chinese detail of a malformed or tampered record is Chinese', () => {
  for (const [what, s, make] of battery()) {
    it(`when the record has ${what} / no check's detailZh holds an English word`, async () => {
      const report = await verify(s, await make());
      for (const c of report.checks) expect(englishWords(c.detailZh), `${c.id}: ${c.detailZh}`).toEqual([]);
    });
  }

  it('with a pinned head that the record truncates or rewrites / the pinnedHead details are Chinese', async () => {
    const truncated = await verify(
      v1,
      tampered(v1, (r) => r.entries.pop()),
      { pinnedHead: v1.record.head },
    );
    const rewritten = await verify(
      v1,
      tampered(v1, (r) => (entryOf(r, 'roster.changed').body.members[0].name = '委员X')),
      { pinnedHead: { seq: 1, hash: v1.record.entries[1]!.hash } },
    );
    for (const report of [truncated, rewritten]) for (const c of report.checks) expect(englishWords(c.detailZh), `${c.id}: ${c.detailZh}`).toEqual([]);
    expect(detailOf(rewritten, 'pinnedHead').detailZh).toBe('记录项 #1 与已固定的链头不同：历史被改写或分叉');
  });

  it('when the work on tokens throws a library error / the check fails record_malformed with a Chinese detail', async () => {
    const accelerator: VerifyAccelerator = { ...inPlaceAccelerator(rnd), tokenBatchSums: async () => Promise.reject(new Error('worker crashed')) };
    const report = await verify(v1, v1.record, { accelerator });
    const check = detailOf(report, 'tokenSignatures');
    expect(check).toMatchObject({ ok: false, code: 'record_malformed', detail: 'unexpected input: worker crashed' });
    expect(check.detailZh).toBe('输入异常：内部处理出错（英文说明中有原始信息）');
  });

  it('when the work on tokens throws a ProtocolError / its Chinese reason is shown', async () => {
    const accelerator: VerifyAccelerator = {
      ...inPlaceAccelerator(rnd),
      tokenBatchSums: async () => Promise.reject(new ProtocolError('invalid_point', 'sig is not a G1 point', { field: 'sig', zh: 'sig 不是 G1 点' })),
    };
    const check = detailOf(await verify(v1, v1.record, { accelerator }), 'tokenSignatures');
    expect(check.detailZh).toBe('输入异常：sig 不是 G1 点');
  });
});

describe('exact sentences, English kept as it was', () => {
  it('a roster member whose voting right is not a boolean / names the field in both languages', async () => {
    const record = tampered(v1, (r) => (entryOf(r, 'roster.changed').body.members[0].votingRight = 'yes'));
    const i = indexOf(record, 'roster.changed');
    const check = detailOf(await verify(v1, record), 'record');
    expect(check.detail).toBe(`entries.${i}: body.members.0.votingRight must be a boolean`);
    expect(check.detailZh).toBe(`记录格式不正确：entries.${i}：body.members.0.votingRight 必须是布尔值`);
  });

  it('a definition repeating an item id / is named inside the entry in Chinese', async () => {
    const record = tampered(v1, (r) => (definitionOf(r).items[1].itemId = 'A'));
    const i = indexOf(record, 'vote.created');
    const check = detailOf(await verify(v1, record), 'record');
    expect(check.detail).toBe(`entries.${i}: body.definition: items.1.itemId repeats A`);
    expect(check.detailZh).toBe(`记录格式不正确：entries.${i}：body.definition：items.1.itemId 与前面的事项重复（A）`);
  });

  it('an entry linked to the wrong predecessor / chain_link in both languages', async () => {
    const check = detailOf(
      await verify(
        v1,
        tampered(v1, (r) => (r.entries[2].prev = '0'.repeat(64)), { rehash: false }),
      ),
      'chain',
    );
    expect(check.code).toBe('chain_link');
    expect(check.detail).toBe('entry 2 does not link to entry 1');
    expect(check.detailZh).toBe('哈希链校验未通过：记录项 #2 的 prev 不是记录项 #1 的哈希');
  });

  it('an entry changed without re-hashing / chain_hash in Chinese', async () => {
    const record = tampered(v1, (r) => (entryOf(r, 'roster.changed').body.members[0].name = '委员X'), { rehash: false });
    const check = detailOf(await verify(v1, record), 'chain');
    expect(check.code).toBe('chain_hash');
    expect(check.detailZh).toBe(`哈希链校验未通过：记录项 #${indexOf(record, 'roster.changed')} 的哈希与其所载哈希不符`);
  });

  it('a vote key of zeros / vote_key_invalid in Chinese', async () => {
    const check = detailOf(
      await verify(
        v1,
        tampered(v1, (r) => (definitionOf(r).publicKey = toBase64url(new Uint8Array(96)))),
      ),
      'vote',
    );
    expect(check.code).toBe('vote_key_invalid');
    expect(check.detail).toBe('the vote key is not a valid G2 point: publicKey is not a valid compressed G2 subgroup point');
    expect(check.detailZh).toBe('表决公钥不是有效的 G2 点：publicKey 不是有效的压缩 G2 子群点');
  });

  it('a ballot with a mark the vote does not offer / ballot_invalid names the marks in Chinese', async () => {
    const check = detailOf(
      await verify(
        v1,
        tampered(v1, (_, c) => (c.body.ballots[0].choices.A.a1 = 'defer')),
      ),
      'ballots',
    );
    expect(check.code).toBe('ballot_invalid');
    expect(check.detail).toBe('ballot 0: choices.A.a1 must be one of approve, disapprove, abstain');
    expect(check.detailZh).toBe('选票 #0 不符合本次表决：choices.A.a1 必须是本次表决提供的划票选项之一：同意、不同意、弃权');
  });

  it('a tally that differs from the signed one / tally_signature_invalid in Chinese', async () => {
    const check = detailOf(
      await verify(
        v1,
        tampered(v1, (_, c) => (c.body.tally.returned -= 1)),
      ),
      'tallySignature',
    );
    expect(check.code).toBe('tally_signature_invalid');
    expect(check.detail).toBe('the signed tally differs from the published tally');
    expect(check.detailZh).toBe('计票结果签名无效：签名所覆盖的计票结果与公布的计票结果不同');
  });

  it('a tally signed as a receipt / tally_signature_invalid names typ in Chinese', async () => {
    const tally = (v1.record.entries.at(-1) as Closed).body.tally;
    const sig = await signCanonical(tally, await importJWK(v1.service.privateJwk, 'EdDSA'), v1.service.kid, RECEIPT_TYP);
    const check = detailOf(
      await verify(
        v1,
        tampered(v1, (_, c) => (c.body.tallySignature = sig)),
      ),
      'tallySignature',
    );
    expect(check.detail).toBe(`JWS does not verify: typ is ${RECEIPT_TYP}, expected piaojue-tally+jws`);
    expect(check.detailZh).toBe(`计票结果签名无效：JWS 签名验证未通过：JWS 头部的 typ 为 ${RECEIPT_TYP}，应为 piaojue-tally+jws`);
  });

  it('a changed outcome in the tally / tally_mismatch names both outcomes in Chinese', async () => {
    const check = detailOf(
      await verify(
        v1,
        tampered(v1, (_, c) => (c.body.tally.items[0].candidates[0].outcome = 'not_elected')),
      ),
      'tally',
    );
    expect(check.code).toBe('tally_mismatch');
    expect(check.detail).toBe('tally.items.0.candidates.0.outcome: recount gives "elected", published "not_elected"');
    expect(check.detailZh).toBe('重新计票与公布的计票结果不一致：tally.items.0.candidates.0.outcome：重新计票得 通过，公布为 未通过');
  });

  it('a committee counting on 实到 / rules_mismatch states the bases in Chinese', async () => {
    const check = detailOf(
      await verify(
        v1,
        tampered(v1, (r) => (entryOf(r, 'committee.created').body.rules.majorityBase = 'present')),
      ),
      'rules',
    );
    expect(check.code).toBe('rules_mismatch');
    expect(check.detail).toBe('the vote\'s rules.majorityBase is "entitled", the committee\'s "present"');
    expect(check.detailZh).toBe('表决的 rules.majorityBase 为 应到，委员会的为 实到');
  });

  it('a vote created by someone not a secretary / actor_not_secretary names the act in Chinese', async () => {
    const record = tampered(v2, (r) => (entryOf(r, 'vote.created').body.by = 'p-nobody'));
    const check = detailOf(await verify(v2, record), 'authority');
    expect(check.code).toBe('actor_not_secretary');
    expect(check.detail).toBe(`the vote was created (entry ${indexOf(record, 'vote.created')}) by p-nobody, who is not a secretary appointed on the chain`);
    expect(check.detailZh).toBe(`表决的创建（记录项 #${indexOf(record, 'vote.created')}）由 p-nobody 操作，此人不是哈希链上任命的秘书`);
  });

  it('a passing version 2 record / names the stroke order in Chinese', async () => {
    const check = detailOf(await verify(v2, v2.record), 'rules');
    expect(check.detailZh).toBe('规则和划票选项均与委员会的一致；人选比例 1 : 1.5 已满足；候选人按姓氏笔画顺序排列');
  });
});
