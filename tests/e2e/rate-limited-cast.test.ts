// A phone whose address has used its share of casts (another device behind the same address
// cast first) is answered 429 rate_limited: the ballot stays in the phone's outbox, the page
// says it is retried by itself, and it is sent again round after round until the window ends
// and it is recorded. The service is real; the limit is one cast per 30-s window per address.
// Screenshot: test-results/screenshots/rate-limited-cast-*.png.
import { describe, expect, it } from 'vitest';
import { shot } from './browser.ts';
import { castApproval, enrolledPhone, openOneVote, useBrowserWorld } from './phone.ts';
import type { Session } from '../helpers/client.ts';
import { createCommittee } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken } from '../helpers/voting.ts';
import type { Token } from '../../src/protocol/member-ballot.ts';

const world = useBrowserWorld({ env: { PIAOJUE_RATE_LIMIT_CAST: '1', PIAOJUE_RATE_LIMIT_WINDOW_MS: '30000' } });

describe('a cast refused for the address’s rate limit', () => {
  it('stays in the outbox, is sent again by itself, and is recorded once the window ends', async () => {
    const c = await createCommittee(world.admin, '限流委员会', ['王毅', '李强']);
    const [m0, m1] = c.members as [Session, Session];
    const casts: number[] = [];
    const { page: phone } = await enrolledPhone(world, m0.personId, (page) => {
      page.on('response', (res) => {
        if (res.request().method() === 'POST' && new URL(res.url()).pathname === '/v1/ballots') casts.push(res.status());
      });
    });

    let token!: Token;
    const { def, card } = await openOneVote(c, phone, async (def) => {
      token = await obtainToken(m1, def);
    });

    // Another member behind the same address (127.0.0.1) casts first: the address's one cast.
    expect((await cast(world.service.url, token, approveOnly(def, ['王一']))).status).toBe(201);

    await castApproval(card);
    // The outbox turns to 正在投出… at each round, so the words are matched with the state at once.
    await card
      .locator('.outbox[data-outbox="retrying"]')
      .filter({ hasText: '本网络地址发出的请求过多' })
      .filter({ hasText: '恢复后自动重新投出' })
      .waitFor({ timeout: 30_000 });
    expect(casts[0]).toBe(429);
    await shot(phone, 'rate-limited-cast-1-retrying');

    // Sent again by itself, without the member doing anything, until the window ends.
    await card.locator('.voted').waitFor({ timeout: 60_000 });
    expect(casts.at(-1)).toBe(201);
    expect(casts.slice(0, -1).every((s) => s === 429)).toBe(true);
    const status = await m0.api.get(`/v1/votes/${def.voteId}/status`);
    expect(status.body.turnout).toEqual({ issued: 2, returned: 2 });
  }, 120_000);
});
