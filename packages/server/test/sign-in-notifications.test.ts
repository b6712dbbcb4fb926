import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privileged } from './support/console.js';
import { authenticateAgent, checkStatus, startAuthorization } from './support/flow.js';
import { type ClientFixture, createHarness, type Harness } from './support/harness.js';
import {
  firstSignInRows,
  type NoticeOwner,
  noticeMails,
  ownerWithAgent,
  saveNotices,
  signInFrom,
  stubDns,
} from './support/sign-in-notices.js';

// Issue 15: an owner asks to be told when an agent signs in somewhere for the first time.
// The server runs as in production here as far as webhooks go: no loopback, no http.

let h: Harness;
let siteOwner: { email: string };
let shop: ClientFixture;
beforeAll(async () => {
  const dns = stubDns({
    'hooks.example.com': ['93.184.216.34'],
    'internal.test': ['10.1.2.3'],
    'mixed.test': ['93.184.216.34', '192.168.1.1'],
    'metadata.test': ['169.254.169.254'],
  });
  h = await createHarness({ TRUST_PROXY: '1' }, { resolveHost: dns });
  siteOwner = await h.createUser();
  shop = await h.createClient(siteOwner.email, { name: 'Shop One' });
});
afterAll(() => h.dispose());

async function firstSignInEvents(owner: NoticeOwner) {
  await h.ctx.security.flush();
  const response = await owner.user.browser.get(
    '/console/security/events?event=agent.first_sign_in',
  );
  expect(response.status).toBe(200);
  const { events } = (await response.json()) as {
    events: Array<{ event: string; targetId: string; details: Record<string, unknown> }>;
  };
  return events;
}

async function settingsOf(ref: string) {
  return privileged<{ notify_mail: boolean; webhook_url: string | null; webhook_secret: string }>(
    h,
    'SELECT notify_mail, webhook_url, webhook_secret FROM agent_sign_in_notifications WHERE agent_ref = $1',
    [ref],
  );
}

describe('first sign-in notifications by mail', () => {
  it('mails the owner on the first sign-in at a website, not on the second', async () => {
    const owner = await ownerWithAgent(h);
    const saved = await saveNotices(owner, { notify_mail: 'on', webhook_url: '' });
    expect(saved.headers.get('location')).toBe(`/console/agents/${owner.ref}?done=saved`);

    const { started, response } = await signInFrom(h, shop, owner.agent);
    expect(response.status).toBe(200);
    const { code } = (await checkStatus(h, started.requestId, started.cookie)) as { code: string };
    await h.ctx.signInNotices.flush();
    const mails = noticeMails(h, owner.user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toContain('Shop One');
    expect(mails[0]?.body).toContain(owner.agent.agent_id);
    expect(mails[0]?.body).toContain(shop.client_id);
    expect(mails[0]?.body).toContain('203.0.113.7');
    for (const secret of [owner.agent.agent_secret, started.requestId, code])
      expect(JSON.stringify(mails)).not.toContain(secret);

    expect((await signInFrom(h, shop, owner.agent)).response.status).toBe(200);
    await h.ctx.signInNotices.flush();
    expect(noticeMails(h, owner.user.email)).toHaveLength(1);

    const other = await h.createClient(siteOwner.email, { name: 'Shop Two' });
    expect((await signInFrom(h, other, owner.agent, '198.51.100.9')).response.status).toBe(200);
    await h.ctx.signInNotices.flush();
    expect(noticeMails(h, owner.user.email).map((m) => m.subject)).toEqual([
      expect.stringContaining('Shop One'),
      expect.stringContaining('Shop Two'),
    ]);

    const events = await firstSignInEvents(owner);
    expect(events.map((e) => e.targetId).sort()).toEqual([shop.client_id, other.client_id].sort());
    expect(events[0]?.details).toMatchObject({ notified: 'mail' });
  });

  it('tells the owner once when eight sign-ins race to be the first at a website', async () => {
    const owner = await ownerWithAgent(h);
    await saveNotices(owner, { notify_mail: 'on' });
    const site = await h.createClient(siteOwner.email, { name: 'Race Shop' });
    const started = await Promise.all(Array.from({ length: 8 }, () => startAuthorization(h, site)));
    const answers = await Promise.all(
      started.map((s) => authenticateAgent(h, s.requestId, owner.agent)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    await h.ctx.signInNotices.flush();
    expect(noticeMails(h, owner.user.email)).toHaveLength(1);
    expect(await firstSignInRows(h, owner.agent.agent_id, site.client_id)).toHaveLength(1);
    expect(await firstSignInEvents(owner)).toHaveLength(1);
  });

  it('counts a sign-in that names an API for the first time as a first sign-in there', async () => {
    const owner = await ownerWithAgent(h);
    await saveNotices(owner, { notify_mail: 'on' });
    const site = await h.createClient(siteOwner.email, { name: 'API Shop' });
    const api = await h.createApi(siteOwner.email, { identifier: 'https://api.shop.test/' });
    await signInFrom(h, site, owner.agent);
    await signInFrom(h, site, owner.agent, '203.0.113.7', { resource: api.identifier });
    await signInFrom(h, site, owner.agent, '203.0.113.7', { resource: api.identifier });
    await h.ctx.signInNotices.flush();
    const mails = noticeMails(h, owner.user.email);
    expect(mails).toHaveLength(2);
    expect(mails[1]?.body).toContain(`APIs: ${api.identifier}`);
    expect(await firstSignInRows(h, owner.agent.agent_id, site.client_id)).toEqual([
      { resource: '' },
      { resource: api.identifier },
    ]);
  });

  it('records the first sign-in but mails no one while the owner has not verified the address', async () => {
    const owner = await ownerWithAgent(h, false);
    await owner.user.browser.follow(await saveNotices(owner, { notify_mail: 'on' }));
    expect(owner.user.browser.lastHtml).toContain('once that address is verified');
    expect((await signInFrom(h, shop, owner.agent)).response.status).toBe(200);
    await h.ctx.signInNotices.flush();
    expect(noticeMails(h, owner.user.email)).toHaveLength(0);
    const events = await firstSignInEvents(owner);
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ client_id: shop.client_id, notified: null });
  });
});

describe('an upgrade to first sign-in notifications', () => {
  it('does not announce a website the agent already used before it', async () => {
    const owner = await ownerWithAgent(h);
    const site = await h.createClient(siteOwner.email, { name: 'Old Shop' });
    expect((await signInFrom(h, site, owner.agent)).response.status).toBe(200);
    // The database as before migration 023: grants and codes, no record of first sign-ins.
    await privileged(h, 'DELETE FROM agent_first_sign_ins');
    const migration = readFileSync(
      new URL('../migrations/023_first_sign_in_notifications.sql', import.meta.url),
      'utf8',
    );
    const backfill = /INSERT INTO agent_first_sign_ins[^;]*;/.exec(migration)?.[0] ?? '';
    expect(backfill).toContain('FROM grants');
    await privileged(h, backfill);
    expect(await firstSignInRows(h, owner.agent.agent_id, site.client_id)).toHaveLength(1);

    await saveNotices(owner, { notify_mail: 'on' });
    expect((await signInFrom(h, site, owner.agent)).response.status).toBe(200);
    await h.ctx.signInNotices.flush();
    expect(noticeMails(h, owner.user.email)).toHaveLength(0);
  });
});

describe("an agent's notification settings", () => {
  it("are no other owner's to read or change", async () => {
    const owner = await ownerWithAgent(h);
    const saved = await saveNotices(owner, {
      notify_mail: 'on',
      webhook_url: 'https://hooks.example.com/owner',
    });
    expect(saved.headers.get('location')).toBe(`/console/once/${owner.ref}`);
    const before = await settingsOf(owner.ref);
    expect(before).toHaveLength(1);

    const stranger = await ownerWithAgent(h);
    expect((await stranger.user.browser.get(`/console/agents/${owner.ref}`)).status).toBe(404);
    expect(stranger.user.browser.lastHtml).not.toContain('hooks.example.com');
    const changed = await saveNotices(
      { user: stranger.user, ref: owner.ref },
      { webhook_url: 'https://hooks.example.com/stolen', rotate_secret: 'on' },
    );
    expect(changed.status).toBe(404);
    expect(await settingsOf(owner.ref)).toEqual(before);
  });

  it.each([
    ['http, which production never posts to', 'http://hooks.example.com/hook'],
    ['loopback', 'https://127.0.0.1/hook'],
    ['IPv6 loopback', 'https://[::1]/hook'],
    ['a private address', 'https://10.0.0.8/hook'],
    ['the cloud metadata address', 'https://169.254.169.254/latest/meta-data/'],
    ['a name that resolves to a private address', 'https://internal.test/hook'],
    ['a name with one private address among public ones', 'https://mixed.test/hook'],
    ['a name that resolves to link-local', 'https://metadata.test/hook'],
    ['a name that does not resolve', 'https://nowhere.test/hook'],
    ['another scheme', 'ftp://hooks.example.com/hook'],
    ['credentials in the URL', 'https://user:pw@hooks.example.com/hook'],
    ['not a URL', 'hooks.example.com/hook'],
    ['a host of one letter', 'https:x'],
    ['a URL too long to store', `https://hooks.example.com/${'a'.repeat(2100)}`],
  ])('refuse a webhook URL with %s when it is saved', async (_label, url) => {
    const owner = await ownerWithAgent(h);
    const response = await saveNotices(owner, { notify_mail: 'on', webhook_url: url });
    expect(response.status).toBe(400);
    expect(owner.user.browser.lastHtml).toContain('The webhook URL');
    expect(await settingsOf(owner.ref)).toEqual([]);
  });
});
