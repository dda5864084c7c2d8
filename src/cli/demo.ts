// `piaojue demo`: a whole meeting through the HTTP API, as real devices would run it —
// enrolment, attendance, tokens blinded on each "device", anonymous casting, the close (version
// 2: members confirm from their devices, the secretary seals, two 监票人 countersign) — then
// checks that the published tally equals the one computed from its own ballots.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bilingual, kindWords, outcomeWords } from '../web/outcome-words.ts';
import { keyFileDevice, readDeviceKeyFile, type DeviceKeyFile } from './device.ts';
import { ApiClient, ApiError, castBallot, closeAndPublish, enrolAndLogin, login, obtainToken, WebCryptoDevice, type Session } from '../client/index.ts';
import { loadConfig } from '../config.ts';
import { createPgliteDatabase } from '../db/database.ts';
import { startService } from '../server.ts';
import { canonicalBytes } from '../protocol/encoding.ts';
import { buildBallot, checkReceipt, findBallotInRecord } from '../protocol/member-ballot.ts';
import { overMarkedItems, type Ballot, type Choices, type Mark, type VoteDefinition } from '../protocol/ballot.ts';
import { castBodyText } from '../protocol/ballot-v2.ts';
import { versionOf } from '../protocol/version.ts';
import { computeTally, type Tally } from '../protocol/tally.ts';
import { verifyRecord, type VerificationReport } from '../protocol/verifier.ts';
import type { VoteRecord } from '../protocol/chain.ts';
import type { JSONWebKeySet } from 'jose';

const rng = (n: number) => new Uint8Array(nodeRandomBytes(n));
const DEMO_NAMES = [
  '王毅',
  '李强',
  '赵乐际',
  '王沪宁',
  '蔡奇',
  '丁薛祥',
  '李希',
  '马兴瑞',
  '王小洪',
  '尹力',
  '石泰峰',
  '刘国中',
  '李干杰',
  '李书磊',
  '何卫东',
  '何立峰',
  '张又侠',
  '张国清',
  '陈文清',
  '陈吉宁',
];

export class DemoError extends Error {}

/** A demo participant: a signed-in device (src/client), and the member's name for the demo's own lines. */
type Person = Session<WebCryptoDevice> & { name: string };

/** A fresh Ed25519 key made with WebCrypto, enrolled with the one-time code, signed in. */
async function enrolPerson(url: string, code: string, name = ''): Promise<Person> {
  return { ...(await enrolAndLogin(new ApiClient(url), code, await WebCryptoDevice.create('Ed25519'))), name };
}

/** A device already enrolled with `piaojue device enrol` (its key file), signed in. */
async function personFromKeyFile(file: DeviceKeyFile): Promise<Person> {
  const api = new ApiClient(file.url);
  const device = await keyFileDevice(file);
  const token = await login(api, file.deviceId, device);
  return { personId: file.personId, deviceId: file.deviceId, token, device, api: api.as(token), name: '' };
}

function randomChoices(def: VoteDefinition, overMark: boolean): Choices {
  const choices: Choices = {};
  for (const item of def.items) {
    const marks: Record<string, Mark> = {};
    let approvals = 0;
    for (const c of item.candidates) {
      const roll = rng(1)[0]! % 10;
      let mark: Mark = roll < 6 ? 'approve' : roll < 8 ? 'disapprove' : 'abstain';
      if (mark === 'approve' && approvals >= item.seats && !overMark) mark = 'disapprove';
      if (mark === 'approve') approvals++;
      marks[c.candidateId] = mark;
    }
    if (overMark && item.candidates.length > item.seats) for (const c of item.candidates) marks[c.candidateId] = 'approve';
    choices[item.itemId] = marks;
  }
  return choices;
}

export interface DemoOptions {
  members: number;
  /** A running service; without it (and without adminKey) the demo starts its own embedded one. */
  url?: string;
  /** A one-time administrator code for that service. */
  adminCode?: string;
  /** Or the administrator's key file from `piaojue device enrol` (it names the service's URL). */
  adminKey?: string;
  /** Write the published record here, and the service's keys beside it (jwksOut). */
  recordOut?: string;
  jwksOut?: string;
  log?: (line: string) => void;
}

/** A fresh embedded service in a temporary data folder, for a demo run without --url; `stop` closes it. */
export async function startDemoService(log: (line: string) => void): Promise<{ url: string; adminCode: string; stop: () => Promise<void> }> {
  const db = await createPgliteDatabase();
  const service = await startService(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', PIAOJUE_LOG: 'silent', PIAOJUE_DATA_DIR: await mkdtemp(join(tmpdir(), 'piaojue-demo-')) }),
    { db },
  );
  log(`embedded service at ${service.url}`);
  return {
    url: service.url,
    adminCode: service.firstAdmin!.code,
    stop: async () => {
      await service.close();
      await db.close();
    },
  };
}

/** The demo's last two lines: the record's verification, and whether the tally is the ballots the demo cast. */
export function logVerdict(report: VerificationReport, same: boolean, log: (line: string) => void): void {
  const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.code}`);
  log(`record verification: ${report.ok ? 'every check passed' : failed.join('; ')}`);
  log(same ? '✓ the published tally equals the tally of the ballots this demo cast' : '✗ the published tally differs from the ballots this demo cast');
}

/** Where the service's keys go beside a record file: record.json → record.jwks.json. */
export function jwksFileBeside(recordFile: string): string {
  return recordFile.replace(/(\.json)?$/i, '.jwks.json');
}

export async function runDemo(options: DemoOptions): Promise<{ ok: boolean; tally: Tally; voteId: string }> {
  const log = options.log ?? ((line: string) => console.log(line));
  let stop: (() => Promise<void>) | undefined;
  const adminKey =
    options.adminKey === undefined
      ? undefined
      : await readDeviceKeyFile(options.adminKey).catch((e: Error) => {
          throw new DemoError(e.message);
        });
  let url = (options.url ?? adminKey?.url)?.replace(/\/+$/, '');
  let adminCode = options.adminCode;
  if (adminKey && options.url && adminKey.url !== url) throw new DemoError(`--admin-key belongs to ${adminKey.url}, not ${url}`);
  if (!url) {
    ({ url, adminCode, stop } = await startDemoService(log));
  }
  if (!adminCode && !adminKey) {
    throw new DemoError('with --url, pass --admin-key FILE (the administrator key file from `piaojue device enrol`) or --admin-code CODE');
  }
  try {
    const admin = adminKey ? await personFromKeyFile(adminKey) : await enrolPerson(url, adminCode!);
    const pub = new ApiClient(url);
    const committee = await admin.api.call<{ id: string }>('POST', '/v1/committees', {
      name: `演示县委常委会 ${new Date().toISOString().slice(0, 10)}`,
      kind: 'standing',
      // The demo's record is for anyone to verify; a committee is restricted unless created public.
      visibility: 'public',
    });
    const sec = await admin.api.call<{ personId: string }>('POST', `/v1/committees/${committee.id}/secretaries`, { name: '演示秘书' });
    const secretary = await enrolPerson(url, (await admin.api.call<{ code: string }>('POST', `/v1/people/${sec.personId}/enrolment-codes`)).code);
    const members: Person[] = [];
    for (let i = 0; i < options.members; i++) {
      const name = DEMO_NAMES[i % DEMO_NAMES.length] + (i >= DEMO_NAMES.length ? String(i) : '');
      const m = await admin.api.call<{ memberId: string }>('POST', `/v1/committees/${committee.id}/members`, { name });
      members.push(await enrolPerson(url, (await admin.api.call<{ code: string }>('POST', `/v1/people/${m.memberId}/enrolment-codes`)).code, name));
    }
    log(`committee of ${members.length} members, every device enrolled`);

    const meeting = await secretary.api.call<{ id: string }>('POST', `/v1/committees/${committee.id}/meetings`, { title: '常委会会议（演示）' });
    const vote = await secretary.api.call<{ id: string }>('POST', `/v1/meetings/${meeting.id}/votes`, {
      title: '干部任免表决（演示）',
      items: [
        { post: '县财政局局长', seats: 1, candidates: ['王小洪'] },
        { post: '县委办公室副主任', seats: 2, candidates: ['李干杰', '万立骏', '于伟国'] },
      ],
    });
    await secretary.api.call('POST', `/v1/meetings/${meeting.id}/open`);
    const presentCount = Math.min(members.length, Math.max(Math.ceil((members.length * 2) / 3), members.length - 2));
    const present = members.slice(0, presentCount);
    const attendance = await secretary.api.call<{ entitled: number; present: number; quorumMet: boolean }>('PUT', `/v1/meetings/${meeting.id}/attendance`, {
      present: present.map((m) => m.personId),
    });
    log(`attendance: 应到 ${attendance.entitled}, 实到 ${attendance.present}, quorum ${attendance.quorumMet ? 'met' : 'NOT met'}`);

    // The draft's definition enters the record when the vote opens (never before: its candidates
    // are not public until then). The device pins the vote key from the public record, not from
    // what the API hands it.
    const opened = await secretary.api.call<{ createdSeq: number }>('POST', `/v1/votes/${vote.id}/open`);
    const chain = await pub.call<{ entries: { body: { definition: VoteDefinition } }[] }>(
      'GET',
      `/v1/committees/${committee.id}/chain?from=${opened.createdSeq}&to=${opened.createdSeq}`,
    );
    const def: VoteDefinition = chain.entries[0]!.body.definition;

    // 签到即领票: each present device blinds its token and fetches the signature at sign-in.
    const tokens = [];
    for (const m of present) {
      // Version 2: the request binds a one-time ballot key made on the device for this vote.
      tokens.push(await obtainToken(m, def));
    }
    const ballots: Ballot[] = [];
    const receipts: { ballot: Ballot; receipt: string; hash: string }[] = [];
    const castLengths = new Set<number>();
    for (const [i, token] of tokens.entries()) {
      const ballot = buildBallot(token, randomChoices(def, i === tokens.length - 1));
      if (overMarkedItems(def, ballot.choices).length > 0)
        log(`ballot ${i + 1}: over-marked item(s) ${overMarkedItems(def, ballot.choices).join(', ')} — counted 无效 for that item`);
      // No credentials: casting is anonymous. The body is padded: one length for every ballot.
      castLengths.add(new TextEncoder().encode(castBodyText(ballot)).length);
      const answer = await castBallot(pub, ballot);
      if (answer.status !== 201) throw new ApiError('POST', '/v1/ballots', answer.status, answer.body);
      const out = answer.body;
      ballots.push(ballot);
      receipts.push({ ballot, receipt: out.receipt, hash: out.ballotHash });
    }
    log(
      `protocol version ${versionOf(def)}: ${ballots.length} ballots cast${versionOf(def) === 2 ? ', each signed by its one-time key' : ''}; cast body lengths: ${[...castLengths].join(', ')} bytes`,
    );
    // Version 2: the close is prepared, not published. Every device that cast confirms its
    // ballot is in it; the secretary seals; the two inspectors (监票人) countersign.
    const inspectors = present.slice(0, 2);
    const { view } = await closeAndPublish(secretary, present, def.voteId, { inspectors });
    if (view) {
      if (view.state !== 'closed') throw new DemoError(`the close is ${view.state} after both countersignatures, not published`);
      log(
        `close: ${view.confirmedBy.length} of ${ballots.length} members confirmed from their devices, the secretary sealed, both inspectors (监票人: ${inspectors.map((m) => m.name).join(', ')}) countersigned, which published the record`,
      );
    }
    const published = await pub.call<{ tally: Tally }>('GET', `/v1/votes/${def.voteId}/tally`);
    const expected = computeTally(def, ballots, { issued: tokens.length, present: present.length });
    const same = new TextDecoder().decode(canonicalBytes(expected)) === new TextDecoder().decode(canonicalBytes(published.tally));

    const record = await pub.call<VoteRecord>('GET', `/v1/votes/${def.voteId}/record`);
    const jwks = await pub.call<JSONWebKeySet>('GET', '/.well-known/jwks.json');
    let counted = 0;
    for (const r of receipts) {
      await checkReceipt(r.receipt, jwks, r.ballot);
      if (findBallotInRecord(record, r.hash)) counted++;
    }
    const report = await verifyRecord(record, { jwks, randomBytes: rng });
    // The record is only checkable later with the keys that signed its tally: write them beside it.
    const jwksOut = options.recordOut === undefined ? undefined : (options.jwksOut ?? jwksFileBeside(options.recordOut));
    if (options.recordOut) {
      await writeFile(options.recordOut, JSON.stringify(record, null, 2));
      await writeFile(jwksOut!, JSON.stringify(jwks, null, 2));
    }

    printTally(published.tally, log);
    log(`receipts found in the record: ${counted}/${receipts.length}`);
    logVerdict(report, same, log);
    log(`vote id: ${def.voteId}`);
    if (options.recordOut) {
      log(`record written to ${options.recordOut}, the service's keys to ${jwksOut}; check it again with:`);
      log(`  npx piaojue verify --file ${options.recordOut} --jwks ${jwksOut}`);
    }
    if (!stop) {
      log('check it against the service with:');
      log(`  npx piaojue verify --url ${url} --vote ${def.voteId}`);
    }
    return { ok: same && report.ok && counted === receipts.length && castLengths.size === 1, tally: published.tally, voteId: def.voteId };
  } finally {
    await stop?.();
  }
}

function printTally(t: Tally, log: (line: string) => void) {
  log(`应到 ${t.entitled}  实到 ${t.present}  发出 ${t.issued}  收回 ${t.returned}  (同意 needed: ${t.required})`);
  for (const item of t.items) {
    log(`【${item.post}】 ${kindWords(item.kind, item.seats).zh}  有效 ${item.valid}  无效 ${item.invalid}`);
    for (const c of item.candidates)
      log(`  ${c.name}  同意 ${c.approve}  不同意 ${c.disapprove}  弃权 ${c.abstain}  → ${bilingual(outcomeWords(c.outcome, item.kind))}`);
  }
}
