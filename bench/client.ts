// The benchmarks' set-up over HTTP, on src/client (bench code does not import from tests/):
// people enrolled with an ES256 WebCrypto device (as the web client makes it) and signed in,
// a committee of many members, a meeting with a vote. Set-up is never timed.
import { ApiClient, enrolAndLogin as enrolAndLoginWith, obtainToken, type Session } from '../src/client/index.ts';
import type { VoteDefinition } from '../src/protocol/ballot.ts';
import type { Token } from '../src/protocol/member-ballot.ts';

export type { Session };

/**
 * A 503 (database_unavailable: PostgreSQL's serialization or lock time-outs when members are
 * added concurrently) is sent again after Retry-After, as the service asks, this many times.
 */
const RETRIES = 20;

/** A client of the service at `url` for set-up: answers 503 are sent again (see RETRIES). */
export function benchApi(url: string, token?: string): ApiClient {
  return new ApiClient(url, { token, retries: RETRIES });
}

export async function enrolAndLogin(url: string, code: string): Promise<Session> {
  return enrolAndLoginWith(benchApi(url), code);
}

/**
 * A committee with a secretary and `count` members, added in one request (one roster entry,
 * as a large committee is set up), every person enrolled with a device and logged in,
 * `concurrency` at a time (set-up, never timed).
 */
export async function benchCommittee(
  admin: Session,
  url: string,
  count: number,
  concurrency = 4,
  name = '基准委员会',
): Promise<{ id: string; secretary: Session; members: Session[] }> {
  const c = await admin.api.call('POST', '/v1/committees', { name, kind: 'standing', visibility: 'public' });
  const sec = await admin.api.call('POST', `/v1/committees/${c.id}/secretaries`, { name: `${name}秘书` });
  const secretary = await enrolAndLogin(url, (await admin.api.call('POST', `/v1/people/${sec.personId}/enrolment-codes`)).code);
  const added = await admin.api.call('POST', `/v1/committees/${c.id}/members/batch`, {
    members: Array.from({ length: count }, (_, i) => ({ name: `委员${i}` })),
  });
  const ids = (added.members as { memberId: string }[]).map((m) => m.memberId);
  const members: Session[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        members[i] = await enrolAndLogin(url, (await admin.api.call('POST', `/v1/people/${ids[i]}/enrolment-codes`)).code);
      }
    }),
  );
  return { id: c.id, secretary, members };
}

/**
 * A committee of `count` members in an open meeting, every member present, one 等额 vote open
 * for casting and every member holding a token for it.
 */
export async function openVoteWithTokens(admin: Session, url: string, name: string, count: number): Promise<{ def: VoteDefinition; tokens: Token[] }> {
  const c = await benchCommittee(admin, url, count, 4, name);
  const sec = c.secretary.api;
  const meetingId = (await sec.call('POST', `/v1/committees/${c.id}/meetings`, { title: '会议' })).id as string;
  const def: VoteDefinition = (
    await sec.call('POST', `/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })
  ).definition;
  await sec.call('POST', `/v1/meetings/${meetingId}/open`);
  await sec.call('PUT', `/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
  const tokens: Token[] = [];
  for (const m of c.members) tokens.push(await obtainToken(m, def));
  await sec.call('POST', `/v1/votes/${def.voteId}/open`);
  return { def, tokens };
}
