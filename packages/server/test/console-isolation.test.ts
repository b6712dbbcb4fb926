import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleUser, codeById, signUp } from './support/console.js';
import { obtainTokens } from './support/flow.js';
import { createHarness, type Harness, REDIRECT_URI } from './support/harness.js';

let h: Harness;
let alice: ConsoleUser;
let bob: ConsoleUser;
let bobAgent: { id: string; agent_id: string; agent_secret: string };
let bobSite: { id: string; client_id: string; client_secret: string };
let bobGrantId: string;

beforeAll(async () => {
  h = await createHarness();
  alice = await signUp(h);
  bob = await signUp(h);
  await bob.browser.get('/console/agents/new');
  await bob.browser.follow(
    await bob.browser.post('/console/agents', { label: 'Bob bot', user_email: bob.email }),
  );
  bobAgent = {
    id: /href="\/console\/agents\/([0-9a-f-]{36})"/.exec(bob.browser.lastHtml)?.[1] ?? '',
    agent_id: codeById(bob.browser.lastHtml, 'agent-id'),
    agent_secret: codeById(bob.browser.lastHtml, 'agent-secret'),
  };
  await bob.browser.get('/console/websites/new');
  await bob.browser.follow(
    await bob.browser.post('/console/websites', { name: 'Bob shop', redirect_uris: REDIRECT_URI }),
  );
  bobSite = {
    id: /href="\/console\/websites\/([0-9a-f-]{36})"/.exec(bob.browser.lastHtml)?.[1] ?? '',
    client_id: codeById(bob.browser.lastHtml, 'client-id'),
    client_secret: codeById(bob.browser.lastHtml, 'client-secret'),
  };
  await obtainTokens(
    h,
    { ...bobSite, redirect_uris: [REDIRECT_URI] },
    { agent_id: bobAgent.agent_id, agent_secret: bobAgent.agent_secret },
  );
  await bob.browser.get(`/console/agents/${bobAgent.id}`);
  bobGrantId = /\/grants\/([0-9a-f-]{36})\/revoke/.exec(bob.browser.lastHtml)?.[1] ?? '';
});
afterAll(() => h.dispose());

function violations(): Array<Record<string, unknown>> {
  return h.logs
    .filter((line) => line.includes('"rls.violation_attempt"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("one owner cannot reach another owner's objects over HTTP", () => {
  it("answers 404 for every page and action on B's objects, and changes nothing", async () => {
    expect(bobGrantId).toMatch(/^[0-9a-f-]{36}$/);
    await alice.browser.get('/console/agents');
    const before = violations().length;
    const pages = [
      `/console/agents/${bobAgent.id}`,
      `/console/websites/${bobSite.id}`,
      `/console/agents/${bobAgent.id}/delete`,
      `/console/agents/${bobAgent.id}/rotate`,
      `/console/agents/${bobAgent.id}/grants/revoke-all`,
      `/console/websites/${bobSite.id}/delete`,
      `/console/websites/${bobSite.id}/rotate`,
    ];
    for (const path of pages) {
      const response = await alice.browser.get(path);
      expect(response.status, path).toBe(404);
      expect(alice.browser.lastHtml).not.toContain('Bob');
    }
    await alice.browser.get('/console/agents');
    const actions: Array<[string, Record<string, string>]> = [
      [`/console/agents/${bobAgent.id}/profile`, { label: 'pwned', user_email: alice.email }],
      [`/console/agents/${bobAgent.id}/rotate`, { confirm: 'yes' }],
      [`/console/agents/${bobAgent.id}/disable`, {}],
      [`/console/agents/${bobAgent.id}/verify-email`, {}],
      [`/console/agents/${bobAgent.id}/grants/${bobGrantId}/revoke`, {}],
      [`/console/agents/${bobAgent.id}/grants/revoke-all`, { confirm: 'yes' }],
      [`/console/agents/${bobAgent.id}/delete`, { confirm: 'yes' }],
      [`/console/agents/${bobAgent.id}/unlock`, {}],
      [
        `/console/websites/${bobSite.id}/edit`,
        { name: 'pwned', redirect_uris: 'https://evil.example/cb' },
      ],
      [`/console/websites/${bobSite.id}/rotate`, { confirm: 'yes' }],
      [`/console/websites/${bobSite.id}/end-overlap`, {}],
      [`/console/websites/${bobSite.id}/disable`, {}],
      [`/console/websites/${bobSite.id}/delete`, { confirm: 'yes' }],
      [`/console/websites/${bobSite.id}/unlock`, {}],
    ];
    const token = alice.browser.csrf;
    for (const [path, fields] of actions) {
      const response = await alice.browser.post(path, fields, { csrf: token ?? null });
      expect(response.status, path).toBe(404);
    }
    // Reported as attempts on objects that exist but are not hers.
    const reported = violations().slice(before);
    expect(reported.length).toBeGreaterThanOrEqual(pages.length + actions.length);
    expect(reported[0]).toMatchObject({ target_type: 'agent', target_id: bobAgent.id });

    // Bob's objects are untouched.
    await bob.browser.get(`/console/agents/${bobAgent.id}`);
    expect(bob.browser.lastHtml).toContain('Bob bot');
    expect(bob.browser.lastHtml).toContain(bobGrantId);
    expect(bob.browser.lastHtml).toContain('<span class="pill ok">active</span>');
    await bob.browser.get(`/console/websites/${bobSite.id}`);
    expect(bob.browser.lastHtml).toContain('Bob shop');
    expect(bob.browser.lastHtml).toContain(REDIRECT_URI);
  });

  it('answers a plain 404, without reporting, for ids that do not exist or are malformed', async () => {
    const before = violations().length;
    expect(
      (await alice.browser.get('/console/agents/00000000-0000-4000-8000-000000000000')).status,
    ).toBe(404);
    expect((await alice.browser.get("/console/agents/1' OR '1'='1")).status).toBe(404);
    expect((await alice.browser.get('/console/websites/not-a-uuid')).status).toBe(404);
    expect(violations().length).toBe(before);
  });

  it("does not list B's objects in A's lists, and hides the admin pages from non-admins", async () => {
    await alice.browser.get('/console/agents');
    expect(alice.browser.lastHtml).not.toContain(bobAgent.agent_id);
    await alice.browser.get('/console/websites');
    expect(alice.browser.lastHtml).not.toContain(bobSite.client_id);
    expect((await alice.browser.get('/console/admin')).status).toBe(404);
    await alice.browser.get('/console/agents');
    expect((await alice.browser.post('/console/admin/revoke-all', { confirm: 'yes' })).status).toBe(
      404,
    );
    expect((await alice.browser.get('/console/admin/revoke-all')).status).toBe(404);
    expect((await alice.browser.post(`/console/admin/agents/${bobAgent.id}/disable`)).status).toBe(
      404,
    );
    const kids = async () => await (await h.request('/.well-known/jwks.json')).text();
    const published = await kids();
    for (const path of ['/console/admin/keys/rotate', '/console/admin/keys/rotate-emergency'])
      expect((await alice.browser.post(path)).status).toBe(404);
    expect(await kids()).toBe(published);
  });
});
