import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleUser, codeById, privileged, signUp } from './support/console.js';
import { obtainTokens } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  createHarness,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';

// POST-redirect-GET with a secret shown once, and client-secret rotation with an overlap.

let h: Harness;
let agent: AgentFixture;
beforeAll(async () => {
  h = await createHarness();
  const agentOwner = await h.createUser();
  agent = await h.createAgent(agentOwner.email);
});
afterAll(() => h.dispose());

async function count(table: 'agents' | 'clients', email: string) {
  const [row] = await privileged<{ n: number }>(
    h,
    `SELECT count(*)::int AS n FROM ${table} t JOIN users u ON u.id = t.owner_id WHERE u.email = $1`,
    [email],
  );
  return row?.n ?? -1;
}

async function registerWebsite(user: ConsoleUser) {
  await user.browser.get('/console/websites/new');
  const created = await user.browser.post('/console/websites', {
    name: 'Overlap shop',
    redirect_uris: REDIRECT_URI,
  });
  await user.browser.follow(created);
  const html = user.browser.lastHtml;
  const client: ClientFixture = {
    client_id: codeById(html, 'client-id'),
    client_secret: codeById(html, 'client-secret'),
    redirect_uris: [REDIRECT_URI],
  };
  const id = /href="\/console\/websites\/([0-9a-f-]{36})"/.exec(html)?.[1] ?? '';
  return { client, id };
}

async function rotate(user: ConsoleUser, id: string, fields: Record<string, string> = {}) {
  await user.browser.get(`/console/websites/${id}/rotate`);
  const rotated = await user.browser.post(`/console/websites/${id}/rotate`, {
    confirm: 'yes',
    ...fields,
  });
  expect((await user.browser.follow(rotated)).status).toBe(200);
  return codeById(user.browser.lastHtml, 'client-secret');
}

async function introspectStatus(client: ClientFixture, secret: string, token: string) {
  const response = await h.request('/introspect', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.client_id}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return response.status;
}

describe('a secret is shown once, and reloading creates nothing', () => {
  it('agent: the create redirects to a one-time page; a reload neither shows nor creates again', async () => {
    const user = await signUp(h);
    await user.browser.get('/console/agents/new');
    const created = await user.browser.post('/console/agents', { user_email: user.email });
    expect(created.status).toBe(303);
    const location = created.headers.get('location') ?? '';
    expect(location).toMatch(/^\/console\/once\/[0-9a-f-]{36}$/);
    // Sealed, HttpOnly and short-lived: the secret itself is not in the cookie.
    const cookie = created.headers
      .getSetCookie()
      .find((c) => c.startsWith('auth_agent_console_once='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Max-Age=300/);
    const shown = await user.browser.get(location);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    const secret = codeById(user.browser.lastHtml, 'agent-secret');
    const reload = await user.browser.get(location);
    expect(reload.status).toBe(410);
    expect(user.browser.lastHtml).not.toContain(secret);
    expect(user.browser.lastHtml).toContain('This page was shown once');
    expect(await count('agents', user.email)).toBe(1);
  });

  it('website: the same; and another session cannot open the one-time page, even with its cookie', async () => {
    const user = await signUp(h);
    const other = await signUp(h);
    await user.browser.get('/console/websites/new');
    const created = await user.browser.post('/console/websites', {
      name: 'Once',
      redirect_uris: REDIRECT_URI,
    });
    const location = created.headers.get('location') ?? '';
    const cookie = created.headers
      .getSetCookie()
      .find((c) => c.startsWith('auth_agent_console_once='));
    expect(cookie).not.toContain('aa_cs_');
    expect((await other.browser.get(location)).status).toBe(410);
    expect(other.browser.lastHtml).not.toContain('aa_cs_');
    // Even with the cookie, another session cannot open it: it is sealed to this session.
    const stolen = cookie?.split(';')[0]?.split('=')[1] ?? '';
    other.browser.cookies.set('auth_agent_console_once', stolen);
    expect((await other.browser.get(location)).status).toBe(410);
    expect(other.browser.lastHtml).not.toContain('aa_cs_');
    expect((await user.browser.get(location)).status).toBe(200);
    expect(codeById(user.browser.lastHtml, 'client-secret')).toMatch(/^aa_cs_/);
    expect((await user.browser.get(location)).status).toBe(410);
    expect(await count('clients', user.email)).toBe(1);
  });
});

describe('client-secret rotation with an overlap', () => {
  it('keeps the old secret working until the owner ends the overlap', async () => {
    const user = await signUp(h);
    const { client, id } = await registerWebsite(user);
    const old = client.client_secret ?? '';
    const tokens = await obtainTokens(h, client, agent);
    expect(await introspectStatus(client, old, tokens.access_token)).toBe(200);

    await user.browser.get(`/console/websites/${id}/rotate`);
    expect(user.browser.lastHtml).toContain('Keep the current secret working for 24 hours');
    const fresh = await rotate(user, id);
    expect(user.browser.lastHtml).toContain('The old secret keeps working until about');
    expect(await introspectStatus(client, old, tokens.access_token)).toBe(200);
    expect(await introspectStatus(client, fresh, tokens.access_token)).toBe(200);
    // A full code exchange with the old secret, as the live website still does.
    expect((await obtainTokens(h, client, agent)).access_token).toBeTruthy();

    await user.browser.get(`/console/websites/${id}`);
    expect(user.browser.lastHtml).toContain('data-overlap');
    const ended = await user.browser.post(`/console/websites/${id}/end-overlap`);
    expect(ended.headers.get('location')).toBe(`/console/websites/${id}?done=overlap-ended`);
    expect(await introspectStatus(client, old, tokens.access_token)).toBe(401);
    expect(await introspectStatus(client, fresh, tokens.access_token)).toBe(200);
    await user.browser.get(`/console/websites/${id}`);
    expect(user.browser.lastHtml).not.toContain('data-overlap');
  });

  it('stops the old secret when the overlap expires, and at a second rotation', async () => {
    const user = await signUp(h);
    const { client, id } = await registerWebsite(user);
    const first = client.client_secret ?? '';
    const tokens = await obtainTokens(h, client, agent);
    const second = await rotate(user, id);
    const third = await rotate(user, id);
    expect(await introspectStatus(client, first, tokens.access_token)).toBe(401);
    expect(await introspectStatus(client, second, tokens.access_token)).toBe(200);
    expect(await introspectStatus(client, third, tokens.access_token)).toBe(200);
    await privileged(
      h,
      `UPDATE clients SET previous_secret_expires_at = now() - interval '1 second' WHERE client_id = $1`,
      [client.client_id],
    );
    expect(await introspectStatus(client, second, tokens.access_token)).toBe(401);
    expect(await introspectStatus(client, third, tokens.access_token)).toBe(200);
  });

  it('stops the old secret at once when the owner asks for no overlap', async () => {
    const user = await signUp(h);
    const { client, id } = await registerWebsite(user);
    const old = client.client_secret ?? '';
    const tokens = await obtainTokens(h, client, agent);
    await rotate(user, id);
    const fresh = await rotate(user, id, { overlap: 'none' });
    expect(await introspectStatus(client, old, tokens.access_token)).toBe(401);
    expect(await introspectStatus(client, fresh, tokens.access_token)).toBe(200);
  });
});
