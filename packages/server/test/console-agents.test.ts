import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleUser, codeById, mailedLink, privileged, signUp } from './support/console.js';
import {
  authenticateAgent,
  obtainTokens,
  startAuthorization,
  tokenRequest,
} from './support/flow.js';
import { type ClientFixture, createHarness, type Harness } from './support/harness.js';

let h: Harness;
let website: ClientFixture;
beforeAll(async () => {
  h = await createHarness();
  const siteOwner = await h.createUser();
  website = await h.createClient(siteOwner.email, { name: 'Shop' });
});
afterAll(() => h.dispose());

async function createAgent(user: ConsoleUser, fields: Record<string, string> = {}) {
  await user.browser.get('/console/agents/new');
  const response = await user.browser.post('/console/agents', {
    label: 'Helper',
    user_email: user.email,
    user_name: 'Pat',
    ...fields,
  });
  expect(response.status).toBe(303);
  expect((await user.browser.follow(response)).status).toBe(200);
  const html = user.browser.lastHtml;
  const agent = {
    agent_id: codeById(html, 'agent-id'),
    agent_secret: codeById(html, 'agent-secret'),
  };
  const id = /href="\/console\/agents\/([0-9a-f-]{36})"/.exec(html)?.[1] ?? '';
  return { ...agent, id, html };
}

async function introspect(token: string) {
  const response = await h.request('/introspect', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${website.client_id}:${website.client_secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return (await response.json()) as { active: boolean };
}

async function signInStatus(agent: { agent_id: string; agent_secret: string }) {
  const started = await startAuthorization(h, website);
  return (await authenticateAgent(h, started.requestId, agent)).status;
}

describe('agents in the console', () => {
  it('shows agent_id and agent_secret once, with a copy button and a snippet, and they work', async () => {
    const user = await signUp(h);
    const agent = await createAgent(user);
    expect(agent.agent_id).toMatch(/^agent_[0-9a-f]{32}$/);
    expect(agent.agent_secret).toMatch(/^aa_sk_/);
    expect(agent.html).toContain('data-copy="agent-secret"');
    expect(agent.html).toContain(`export AUTH_AGENT_SECRET=&#39;${agent.agent_secret}&#39;`);
    expect(agent.html).toContain('/api/agent/authenticate');
    await user.browser.get(`/console/agents/${agent.id}`);
    expect(user.browser.lastHtml).toContain(agent.agent_id);
    expect(user.browser.lastHtml).not.toContain(agent.agent_secret);
    await user.browser.get('/console/agents');
    expect(user.browser.lastHtml).not.toContain(agent.agent_secret);
    expect(h.logs.join('\n')).not.toContain(agent.agent_secret);
    const tokens = await obtainTokens(h, website, agent);
    expect(tokens.access_token).toBeTruthy();
  });

  it('rotates the secret: the old one fails at once, even after a cached success', async () => {
    const user = await signUp(h);
    const agent = await createAgent(user);
    expect(await signInStatus(agent)).toBe(200); // also caches the verification
    await user.browser.get(`/console/agents/${agent.id}`);
    // Without the confirmation step nothing happens: the post is sent to the confirmation page.
    const unconfirmed = await user.browser.post(`/console/agents/${agent.id}/rotate`);
    expect(unconfirmed.headers.get('location')).toBe(`/console/agents/${agent.id}/rotate`);
    expect(await signInStatus(agent)).toBe(200);
    await user.browser.get(`/console/agents/${agent.id}/rotate`);
    expect(user.browser.lastHtml).toContain('Make the current secret stop working at once');
    const rotated = await user.browser.post(`/console/agents/${agent.id}/rotate`, {
      confirm: 'yes',
    });
    expect(rotated.status).toBe(303);
    expect((await user.browser.follow(rotated)).status).toBe(200);
    const fresh = codeById(user.browser.lastHtml, 'agent-secret');
    expect(fresh).not.toBe(agent.agent_secret);
    expect(await signInStatus(agent)).toBe(401);
    expect(await signInStatus({ agent_id: agent.agent_id, agent_secret: fresh })).toBe(200);
  });

  it('edits the profile websites receive; email_verified only after confirming that address', async () => {
    const user = await signUp(h);
    const agent = await createAgent(user, { user_email: 'someone-else@example.com' });
    const userinfo = async () => {
      const tokens = await obtainTokens(h, website, agent);
      const response = await h.request('/userinfo', {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      return (await response.json()) as Record<string, unknown>;
    };
    expect(await userinfo()).toMatchObject({
      email: 'someone-else@example.com',
      email_verified: false,
    });

    // Confirming the account address does not verify a different agent address.
    const accountToken = mailedLink(h, user.email);
    await user.browser.get(`/console/verify-email?token=${accountToken}`);
    expect((await user.browser.post('/console/verify-email', { token: accountToken })).status).toBe(
      200,
    );
    expect(await userinfo()).toMatchObject({ email_verified: false });

    await user.browser.get(`/console/agents/${agent.id}`);
    await user.browser.post(`/console/agents/${agent.id}/verify-email`);
    const agentToken = mailedLink(h, 'someone-else@example.com');
    // Following the link (GET) alone does not verify: a mail scanner cannot confirm it.
    await user.browser.get(`/console/verify-email?token=${agentToken}`);
    expect(await userinfo()).toMatchObject({ email_verified: false });
    expect((await user.browser.post('/console/verify-email', { token: agentToken })).status).toBe(
      200,
    );
    expect(await userinfo()).toMatchObject({
      email: 'someone-else@example.com',
      email_verified: true,
    });
    // Spent: a second use fails.
    await user.browser.get(`/console/verify-email?token=${agentToken}`);
    expect((await user.browser.post('/console/verify-email', { token: agentToken })).status).toBe(
      400,
    );

    await user.browser.get(`/console/agents/${agent.id}`);
    const edited = await user.browser.post(`/console/agents/${agent.id}/profile`, {
      label: 'Renamed',
      user_email: 'unverified@example.com',
      user_name: 'New Name',
    });
    expect(edited.status).toBe(303);
    expect(await userinfo()).toMatchObject({
      email: 'unverified@example.com',
      email_verified: false,
      name: 'New Name',
    });
    await user.browser.get(`/console/agents/${agent.id}`);
    await user.browser.post(`/console/agents/${agent.id}/profile`, {
      label: 'Renamed',
      user_email: user.email,
    });
    expect(await userinfo()).toMatchObject({ email: user.email, email_verified: true });

    const bad = await user.browser.post(`/console/agents/${agent.id}/profile`, {
      user_email: 'not-an-email',
    });
    expect(bad.status).toBe(400);
  });

  it('disables, enables and deletes an agent', async () => {
    const user = await signUp(h);
    const agent = await createAgent(user);
    const tokens = await obtainTokens(h, website, agent);
    await user.browser.get(`/console/agents/${agent.id}`);
    expect((await user.browser.post(`/console/agents/${agent.id}/disable`)).status).toBe(303);
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    expect(await signInStatus(agent)).toBe(403);
    expect((await user.browser.post(`/console/agents/${agent.id}/enable`)).status).toBe(303);
    expect(await signInStatus(agent)).toBe(200);
    const unconfirmed = await user.browser.post(`/console/agents/${agent.id}/delete`);
    expect(unconfirmed.headers.get('location')).toBe(`/console/agents/${agent.id}/delete`);
    expect(await signInStatus(agent)).toBe(200);
    const deleted = await user.browser.post(`/console/agents/${agent.id}/delete`, {
      confirm: 'yes',
    });
    expect(deleted.headers.get('location')).toBe('/console/agents?done=deleted');
    expect(await signInStatus(agent)).toBe(401);
    expect((await user.browser.get(`/console/agents/${agent.id}`)).status).toBe(404);
    const [left] = await privileged<{ n: number }>(
      h,
      'SELECT count(*)::int AS n FROM grants g JOIN agents a ON a.id = g.agent_ref WHERE a.agent_id = $1',
      [agent.agent_id],
    );
    expect(left?.n).toBe(0);
  });

  it('lists active grants with client, scope, model and dates, and revokes one or all', async () => {
    const user = await signUp(h);
    const agent = await createAgent(user);
    const first = await obtainTokens(h, website, agent);
    const second = await obtainTokens(h, website, agent);
    await user.browser.get(`/console/agents/${agent.id}`);
    const html = user.browser.lastHtml;
    expect(html).toContain('Shop');
    expect(html).toContain(website.client_id);
    expect(html).toContain('openid profile email');
    expect(html).toContain('test-model-1');
    const grantIds = [...html.matchAll(/\/grants\/([0-9a-f-]{36})\/revoke/g)].map((m) => m[1]);
    expect(grantIds).toHaveLength(2);

    const revoke = await user.browser.post(
      `/console/agents/${agent.id}/grants/${grantIds[0]}/revoke`,
    );
    expect(revoke.status).toBe(303);
    const states = [await introspect(first.access_token), await introspect(second.access_token)];
    expect(states.filter((s) => s.active)).toHaveLength(1);
    const again = await user.browser.post(
      `/console/agents/${agent.id}/grants/${grantIds[0]}/revoke`,
    );
    expect(again.status).toBe(404);

    const revokeAll = `/console/agents/${agent.id}/grants/revoke-all`;
    expect((await user.browser.post(revokeAll)).headers.get('location')).toBe(revokeAll);
    const unchanged = [await introspect(first.access_token), await introspect(second.access_token)];
    expect(unchanged.filter((s) => s.active)).toHaveLength(1);
    await user.browser.get(revokeAll);
    expect(user.browser.lastHtml).toMatch(/End its 1 sign-in \(Shop\)/);
    expect((await user.browser.post(revokeAll, { confirm: 'yes' })).status).toBe(303);
    expect(await introspect(first.access_token)).toEqual({ active: false });
    expect(await introspect(second.access_token)).toEqual({ active: false });
    const refreshed = await tokenRequest(h, website, {
      grant_type: 'refresh_token',
      refresh_token: second.refresh_token,
    });
    expect(refreshed.status).toBe(400);
    await user.browser.get(`/console/agents/${agent.id}`);
    expect(user.browser.lastHtml).toContain('not signed in to any website');
  });
});
