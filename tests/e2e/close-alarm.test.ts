// The phone's side of the version-2 close when something is wrong. A prepared close that does not
// hold the member's ballot is never confirmed: the phone raises the alarm and keeps the receipt.
// An inspector's phone that is served a sealed close the verifier refuses does not offer the
// signature; served the true one, it verifies and signs. The service is real; what the phone
// is shown is changed on the way (page.route), as a dishonest service would show it.
// Screenshots: test-results/screenshots/close-alarm-*.png.
import { describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { shot } from './browser.ts';
import { castApproval, enrolledPhone, openOneVote, useBrowserWorld } from './phone.ts';
import type { Session } from '../helpers/client.ts';
import { createCommittee, type CommitteeFixture } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken } from '../helpers/voting.ts';
import { confirmationMessage, countersignatureMessage, preparedHash, sealHash } from '../../src/protocol/close.ts';
import { ballotHash, type VoteDefinition } from '../../src/protocol/ballot.ts';
import type { ClosingView } from '../../src/votes/close.ts';
import type { Token } from '../../src/protocol/member-ballot.ts';

const world = useBrowserWorld();
let c: CommitteeFixture;
let phone: Page;
let def: VoteDefinition;
let ownHash: string;
const confirmationPosts: string[] = [];

const card = () => phone.locator(`section.vote[data-vote-id="${def.voteId}"]`);

/** Serves the phone the real /closing, changed by `change` (hashes recomputed so only the content lies). */
function tamper(change: (view: ClosingView) => void): (route: Route) => Promise<void> {
  return async (route) => {
    const real = await route.fetch();
    const view = (await real.json()) as ClosingView;
    change(view);
    view.preparedHash = preparedHash(view.prepared);
    if (view.sealHash)
      view.sealHash = sealHash({ voteId: view.voteId, preparedHash: view.preparedHash, confirmations: view.confirmations, decision: view.decision });
    await route.fulfill({ response: real, json: view });
  };
}

describe('the close, when the phone is shown something wrong', () => {
  it('a phone does not confirm a prepared close without its ballot, and says so, keeping the receipt', async () => {
    c = await createCommittee(world.admin, '计票告警委员会', ['王毅', '李强', '赵乐际']);
    const [m0, m1, m2] = c.members as [Session, Session, Session];
    // Member 0 votes from this phone, enrolled before the vote exists.
    ({ page: phone } = await enrolledPhone(world, m0.personId, (page) => {
      page.on('request', (req) => {
        if (req.method() === 'POST' && req.url().endsWith('/confirmations')) confirmationPosts.push(req.url());
      });
    }));

    const tokens: Token[] = [];
    ({ def } = await openOneVote(c, phone, async (def, meetingId) => {
      expect((await c.secretary.api.put(`/v1/meetings/${meetingId}/inspectors`, { inspectors: [m0.personId, m1.personId] })).status).toBe(200);
      tokens.push(await obtainToken(m1, def), await obtainToken(m2, def));
    }));
    for (const t of tokens) expect((await cast(world.service.url, t, approveOnly(def, [def.items[0]!.candidates[0]!.candidateId]))).status).toBe(201);
    await castApproval(card());
    await card().locator('.voted').waitFor({ timeout: 30_000 });

    // The service shows this phone a prepared close without its ballot (and a hash to match).
    const closed = await c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    expect(closed.status).toBe(200);
    const real = (await c.secretary.api.get(`/v1/votes/${def.voteId}/closing`)).body as ClosingView;
    ownHash = await phone.evaluate(
      (voteId) =>
        new Promise<string>((resolve, reject) => {
          const open = indexedDB.open('piaojue');
          open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'));
          open.onsuccess = () => {
            const get = open.result.transaction('votes', 'readonly').objectStore('votes').get(voteId);
            get.onsuccess = () => resolve(get.result.ballotHash as string);
            get.onerror = () => reject(get.error ?? new Error('get failed'));
          };
        }),
      def.voteId,
    );
    expect(real.prepared.ballots.map((b) => ballotHash(b))).toContain(ownHash);
    await phone.route(
      '**/v1/votes/*/closing',
      tamper((view) => (view.prepared.ballots = view.prepared.ballots.filter((b) => ballotHash(b) !== ownHash))),
    );
    for (const m of [m1, m2]) {
      expect(
        (
          await m.api.post(`/v1/votes/${def.voteId}/confirmations`, {
            deviceSignature: await m.device.sign(confirmationMessage(def.voteId, real.preparedHash)),
          })
        ).status,
      ).toBe(200);
    }

    const alarm = card().locator('.not-in-close');
    await alarm.waitFor({ timeout: 30_000 });
    expect(await alarm.getAttribute('role')).toBe('alert');
    expect(await alarm.textContent()).toContain('本人选票不在计票结果中，请立即告知监票人');
    // The receipt stays, and nothing was confirmed.
    expect(await card().locator('.voted').count()).toBe(1);
    expect(await card().locator('.confirmed-in-close').count()).toBe(0);
    expect(confirmationPosts).toEqual([]);
    const view = (await c.secretary.api.get(`/v1/votes/${def.voteId}/closing`)).body as ClosingView;
    expect(view.confirmedBy).not.toContain(m0.personId);
    expect(view.confirmedBy).toHaveLength(2);
    await shot(phone, 'close-alarm-1-not-in-count');
  });

  it('an inspector’s phone does not offer the signature on a close the verifier refuses; on the true one it does', async () => {
    const [, m1] = c.members as [Session, Session, Session];
    const sealed = await c.secretary.api.post(`/v1/votes/${def.voteId}/seal`, { unconfirmedReason: '一名委员手机报警，监票人当场核对' });
    expect(sealed.status).toBe(200);
    // Now shown a sealed close whose tally was changed (every hash recomputed to match).
    await phone.unroute('**/v1/votes/*/closing');
    await phone.route(
      '**/v1/votes/*/closing',
      tamper((view) => {
        const candidate = view.prepared.tally.items[0]!.candidates[0]!;
        candidate.approve -= 1;
        candidate.disapprove += 1;
      }),
    );
    const panel = card().locator('.inspector-panel');
    await panel.locator('.verify-failed').waitFor({ timeout: 60_000 });
    expect(await panel.locator('.verify-failed').getAttribute('data-ok')).toBe('false');
    expect(await panel.locator('.verify-failed').textContent()).toContain('核验未通过');
    expect(await panel.locator('button.countersign').isDisabled()).toBe(true);
    await shot(phone, 'close-alarm-2-verification-failed');

    // The other inspector signs; then this phone is shown the true close, verifies it and signs.
    const seal = (sealed.body as ClosingView).sealHash!;
    expect(
      (await m1.api.post(`/v1/votes/${def.voteId}/countersignatures`, { deviceSignature: await m1.device.sign(countersignatureMessage(def.voteId, seal)) }))
        .status,
    ).toBe(200);
    await phone.unroute('**/v1/votes/*/closing');
    await panel.locator('.verify-ok').waitFor({ timeout: 60_000 });
    expect(await panel.locator('.close-decision').textContent()).toBe('秘书决定：1 张选票未获确认，照常提交。原因：一名委员手机报警，监票人当场核对');
    await panel.locator('button.countersign').click();
    await phone.locator(`section.vote[data-vote-id="${def.voteId}"][data-state="closed"]`).waitFor({ timeout: 30_000 });
    expect((await c.secretary.api.get(`/v1/votes/${def.voteId}/status`)).body.state).toBe('closed');
    // The ballot was in the count all along: the published record holds it.
    await card().locator('.counted').waitFor({ timeout: 30_000 });
  });
});
