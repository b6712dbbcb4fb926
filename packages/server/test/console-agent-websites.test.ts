import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleUser, privileged, signUp } from './support/console.js';
import {
  authenticateAgent,
  checkStatus,
  obtainTokens,
  startAuthorization,
} from './support/flow.js';
import { type ClientFixture, createHarness, type Harness } from './support/harness.js';

// An owner restricts the websites an agent may sign in to; the database refuses the rest.

let h: Harness;
let allowed: ClientFixture;
let other: ClientFixture;
beforeAll(async () => {
  h = await createHarness();
  const siteOwner = await h.createUser();
  allowed = await h.createClient(siteOwner.email, { name: 'Allowed shop' });
  other = await h.createClient(siteOwner.email, { name: 'Other shop' });
});
afterAll(() => h.dispose());

async function ownAgent(user: ConsoleUser) {
  const agent = await h.createAgent(user.email);
  const [row] = await privileged<{ id: string }>(h, 'SELECT id FROM agents WHERE agent_id = $1', [
    agent.agent_id,
  ]);
  return { ...agent, ref: row?.id ?? '' };
}

describe('websites an agent may sign in to', () => {
  it('refuses a sign-in elsewhere with access_denied, and denies that request', async () => {
    const user = await signUp(h);
    const agent = await ownAgent(user);
    await user.browser.get(`/console/agents/${agent.ref}`);
    expect(user.browser.lastHtml).toContain('Any website.');
    const saved = await user.browser.post(`/console/agents/${agent.ref}/websites`, {
      client_ids: ` ${allowed.client_id}\n`,
    });
    expect(saved.headers.get('location')).toBe(`/console/agents/${agent.ref}?done=saved`);
    await user.browser.get(`/console/agents/${agent.ref}`);
    expect(user.browser.lastHtml).toContain('Allowed shop');

    expect((await obtainTokens(h, allowed, agent)).access_token).toBeTruthy();
    const started = await startAuthorization(h, other);
    const refused = await authenticateAgent(h, started.requestId, agent);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'access_denied' });
    const status = await checkStatus(h, started.requestId, started.cookie);
    expect(JSON.stringify(status)).toMatch(/access_denied|denied/);
    // No code was issued for the refused request.
    const [codes] = await privileged<{ n: number }>(
      h,
      `SELECT count(*)::int AS n FROM auth_codes c JOIN agents a ON a.id = c.agent_ref
       JOIN clients k ON k.id = c.client_ref WHERE a.agent_id = $1 AND k.client_id = $2`,
      [agent.agent_id, other.client_id],
    );
    expect(codes?.n).toBe(0);

    // An empty list allows any website again.
    await user.browser.post(`/console/agents/${agent.ref}/websites`, { client_ids: '' });
    expect((await obtainTokens(h, other, agent)).access_token).toBeTruthy();
  });

  it('names a client_id that is no website, and changes nothing', async () => {
    const user = await signUp(h);
    const agent = await ownAgent(user);
    await user.browser.get(`/console/agents/${agent.ref}`);
    const response = await user.browser.post(`/console/agents/${agent.ref}/websites`, {
      client_ids: `${allowed.client_id}\nclient_nope`,
    });
    expect(response.status).toBe(400);
    expect(user.browser.lastHtml).toContain('No website has the client_id client_nope.');
    expect((await obtainTokens(h, other, agent)).access_token).toBeTruthy();
  });

  it("lets no one else restrict, or read the list of, someone's agent", async () => {
    const owner = await signUp(h);
    const stranger = await signUp(h);
    const agent = await ownAgent(owner);
    await stranger.browser.get('/console/agents');
    const response = await stranger.browser.post(`/console/agents/${agent.ref}/websites`, {
      client_ids: allowed.client_id,
    });
    expect(response.status).toBe(404);
    expect((await obtainTokens(h, other, agent)).access_token).toBeTruthy();
  });
});
