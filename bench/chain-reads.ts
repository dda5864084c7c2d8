// Benchmark (issue 12): the bytes a member's phone receives each time it polls the committee's
// chain, for a committee of 11 with a meeting under way and one vote open — a full read (what
// every poll cost when pages read the whole chain), an incremental read (`after=<seq>`, nothing
// new) and a conditional one (`If-None-Match` with the head's hash: 304). Bytes, not time:
// status line, headers and body as the service sends them.
// Run: npm run bench -- chain-reads
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createPgliteDatabase } from '../src/db/database.ts';
import { startService } from '../src/server.ts';
import { benchCommittee, enrolAndLogin } from './client.ts';

const MEMBERS = 11;

async function poll(url: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: number; total: number }> {
  const res = await fetch(url + path, { headers });
  const body = new Uint8Array(await res.arrayBuffer()).length;
  let head = `HTTP/1.1 ${res.status} ${res.statusText}\r\n`.length + 2;
  res.headers.forEach((v, k) => (head += `${k}: ${v}\r\n`.length));
  return { status: res.status, body, total: head + body };
}

export async function benchChainReads(): Promise<void> {
  const db = await createPgliteDatabase();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', PIAOJUE_LOG: 'silent', PIAOJUE_DATA_DIR: await mkdtemp(join(tmpdir(), 'piaojue-bench-')) });
  const service = await startService(config, { db });
  try {
    const url = service.url;
    const admin = await enrolAndLogin(url, service.firstAdmin!.code);
    const c = await benchCommittee(admin, url, MEMBERS);
    const meetingId = (await c.secretary.api.call('POST', `/v1/committees/${c.id}/meetings`, { title: '基准会议' })).id as string;
    await c.secretary.api.call('POST', `/v1/meetings/${meetingId}/open`);
    await c.secretary.api.call('PUT', `/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
    const items = [
      { post: '县财政局局长', seats: 1, candidates: ['王小洪'] },
      { post: '县委办公室副主任', seats: 2, candidates: ['李干杰', '万立骏', '于伟国'] },
    ];
    const vote = await c.secretary.api.call('POST', `/v1/meetings/${meetingId}/votes`, { title: '干部任免表决', items });
    await c.secretary.api.call('POST', `/v1/votes/${vote.id}/open`);

    const auth = { authorization: `Bearer ${c.members[0]!.token}` };
    const path = `/v1/committees/${c.id}/chain`;
    const full = await poll(url, path, auth);
    const head = (await (await fetch(url + path, { headers: auth })).json()).head as { seq: number; hash: string };
    const after = await poll(url, `${path}?after=${head.seq}`, auth);
    const conditional = await poll(url, `${path}?after=${head.seq}`, { ...auth, 'if-none-match': `"${head.hash}"` });
    const anonymous = await poll(url, path, {});
    const row = (what: string, r: { status: number; body: number; total: number }) =>
      console.log(`chain-reads: ${what.padEnd(44)} ${String(r.status)}  body ${String(r.body).padStart(6)} B  on the wire ${String(r.total).padStart(6)} B`);
    console.log(`chain-reads: a member polling a committee of ${MEMBERS} (${head.seq + 1} entries, one vote open), per poll:`);
    row('full read (GET …/chain)', full);
    row('incremental (after=<head seq>)', after);
    row('conditional (after= + If-None-Match: head)', conditional);
    row('anonymous, committee public (bench default)', anonymous);
    console.log(`chain-reads: conditional poll = ${((100 * conditional.total) / full.total).toFixed(1)} % of a full read`);
  } finally {
    await service.close();
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchChainReads();
