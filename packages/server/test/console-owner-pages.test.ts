import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';
import { ConsoleBrowser, privileged } from './support/console.js';
import { authenticateAgent, obtainTokens, startAuthorization } from './support/flow.js';
import type { AgentFixture, ClientFixture } from './support/harness.js';

// The owner acts where they look: an agent's and a website's page show the lock state and
// unlock it, and the website's page lists the agents signed in to it, revocable one by one.

let h: SecurityHarness;
type Owner = { id: string; email: string; password: string };
let owner: Owner;
let stranger: Owner;
let website: ClientFixture;

beforeAll(async () => {
  h = await securityHarness({ LOCKOUT_MAX_FAILURES: '2' });
  owner = await h.createUser();
  stranger = await h.createUser();
  website = await h.createClient(owner.email, { name: 'Shop' });
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

async function loggedIn(user: Owner): Promise<ConsoleBrowser> {
  const browser = new ConsoleBrowser(h);
  await browser.get('/console/login');
  expect((await browser.post('/console/login', user)).status).toBe(303);
  return browser;
}

async function refOf(table: 'agents' | 'clients', column: string, value: string) {
  const [row] = await privileged<{ id: string }>(
    h,
    `SELECT id FROM ${table} WHERE ${column} = $1`,
    [value],
  );
  return row?.id ?? '';
}

async function signInStatus(agent: AgentFixture, secret = agent.agent_secret) {
  const started = await startAuthorization(h, website);
  return (await authenticateAgent(h, started.requestId, { ...agent, agent_secret: secret })).status;
}

describe("an agent's page", () => {
  it('shows the lock, the failures and the last sign-in, and unlocks while the server runs', async () => {
    const agent = await h.createAgent(owner.email);
    const ref = await refOf('agents', 'agent_id', agent.agent_id);
    const mine = await loggedIn(owner);
    await mine.get(`/console/agents/${ref}`);
    expect(mine.lastHtml).toContain('data-sign-in-state="open"');
    expect(mine.lastHtml).not.toContain(`/console/agents/${ref}/unlock`);

    expect(await signInStatus(agent)).toBe(200);
    expect(await signInStatus(agent, 'wrong-1')).toBe(401);
    expect(await signInStatus(agent, 'wrong-2')).toBe(401);
    expect(await signInStatus(agent)).toBe(403); // locked for this address

    await mine.get(`/console/agents/${ref}`);
    const html = mine.lastHtml;
    expect(html).toContain('data-sign-in-state="locked"');
    expect(html).toMatch(/Wrong secrets \(24 h\)<\/dt><dd>2<\/dd>/);
    expect(html).toMatch(/Last sign-in<\/dt><dd><time datetime="/);
    expect(html).toContain(`action="/console/agents/${ref}/unlock"`);

    // A stranger's session cannot unlock it (404, nothing disclosed), nor can a forged form.
    const theirs = await loggedIn(stranger);
    await theirs.get('/console/agents');
    expect((await theirs.post(`/console/agents/${ref}/unlock`)).status).toBe(404);
    expect((await mine.post(`/console/agents/${ref}/unlock`, {}, { csrf: 'x' })).status).toBe(403);
    expect(await signInStatus(agent)).toBe(403);

    await mine.get(`/console/agents/${ref}`);
    const unlocked = await mine.post(`/console/agents/${ref}/unlock`);
    expect(unlocked.status).toBe(303);
    expect(unlocked.headers.get('location')).toBe(`/console/agents/${ref}?done=unlocked`);
    expect(await signInStatus(agent)).toBe(200);
    await mine.get(`/console/agents/${ref}?done=unlocked`);
    expect(mine.lastHtml).toContain('data-sign-in-state="open"');
    expect(mine.lastHtml).toContain('Unlocked.');
    const [entry] = await h.events({ event: 'admin.unlocked' }).then((e) => e.slice(-1));
    expect(entry?.actorId).toBe(owner.id);
    expect(entry?.targetId).toBe(agent.agent_id);
  });
});

describe("a website's page", () => {
  it('lists the agents signed in, and revokes one agent without touching the others', async () => {
    const ref = await refOf('clients', 'client_id', website.client_id);
    const first = await h.createAgent(stranger.email, { name: 'First Person' });
    const second = await h.createAgent(stranger.email, { name: 'Second Person' });
    const firstTokens = await obtainTokens(h, website, first);
    const secondTokens = await obtainTokens(h, website, second);
    const firstRef = await refOf('agents', 'agent_id', first.agent_id);

    const mine = await loggedIn(owner);
    await mine.get(`/console/websites/${ref}`);
    expect(mine.lastHtml).toContain(first.agent_id);
    expect(mine.lastHtml).toContain('First Person');
    expect(mine.lastHtml).toContain(second.agent_id);
    expect(mine.lastHtml).toContain(`action="/console/websites/${ref}/agents/${firstRef}/revoke"`);

    // The agent's owner is no owner of the website: revoking here is not theirs to do.
    const theirs = await loggedIn(stranger);
    await theirs.get('/console/agents');
    expect((await theirs.post(`/console/websites/${ref}/agents/${firstRef}/revoke`)).status).toBe(
      404,
    );

    const revoked = await mine.post(`/console/websites/${ref}/agents/${firstRef}/revoke`);
    expect(revoked.status).toBe(303);
    const userinfo = (token: string) =>
      h.request('/userinfo', { headers: { authorization: `Bearer ${token}` } });
    expect((await userinfo(firstTokens.access_token)).status).toBe(401);
    expect((await userinfo(secondTokens.access_token)).status).toBe(200);
    await mine.get(`/console/websites/${ref}`);
    expect(mine.lastHtml).not.toContain(first.agent_id);
    expect(mine.lastHtml).toContain(second.agent_id);
    // Nothing left to revoke: a second post is a plain 404.
    expect((await mine.post(`/console/websites/${ref}/agents/${firstRef}/revoke`)).status).toBe(
      404,
    );
  });

  it('shows and clears a lock on the client secret', async () => {
    const ref = await refOf('clients', 'client_id', website.client_id);
    const wrong = { ...website, client_secret: 'wrong-secret' };
    for (let i = 0; i < 2; i++) {
      const response = await h.request('/introspect', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${wrong.client_id}:${wrong.client_secret}`).toString('base64')}`,
        },
        body: 'token=x',
      });
      expect(response.status).toBe(401);
    }
    const mine = await loggedIn(owner);
    await mine.get(`/console/websites/${ref}`);
    expect(mine.lastHtml).toContain('data-sign-in-state="locked"');
    const unlocked = await mine.post(`/console/websites/${ref}/unlock`);
    expect(unlocked.headers.get('location')).toBe(`/console/websites/${ref}?done=unlocked`);
    await mine.get(`/console/websites/${ref}`);
    expect(mine.lastHtml).toContain('data-sign-in-state="open"');
  });
});
