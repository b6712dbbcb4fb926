import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleUser, codeById, signUp } from './support/console.js';
import { obtainTokens, startAuthorization, tokenRequest } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  createHarness,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';

let h: Harness;
let agent: AgentFixture;
beforeAll(async () => {
  h = await createHarness();
  const agentOwner = await h.createUser();
  agent = await h.createAgent(agentOwner.email);
});
afterAll(() => h.dispose());

async function register(
  user: ConsoleUser,
  fields: Record<string, string>,
): Promise<{ status: number; client?: ClientFixture; id?: string }> {
  await user.browser.get('/console/websites/new');
  const response = await user.browser.post('/console/websites', fields);
  if (response.status !== 303) return { status: response.status };
  expect((await user.browser.follow(response)).status).toBe(200);
  const html = user.browser.lastHtml;
  const secret = html.includes('id="client-secret"') ? codeById(html, 'client-secret') : null;
  return {
    status: 303,
    id: /href="\/console\/websites\/([0-9a-f-]{36})"/.exec(html)?.[1] ?? '',
    client: {
      client_id: codeById(html, 'client-id'),
      client_secret: secret,
      redirect_uris: [REDIRECT_URI],
    },
  };
}

async function introspect(client: ClientFixture, token: string) {
  const response = await h.request('/introspect', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return { status: response.status, body: (await response.json()) as { active?: boolean } };
}

describe('websites in the console', () => {
  it('enforces the redirect URI rules', async () => {
    const user = await signUp(h);
    const cases: Array<[string, RegExp]> = [
      ['http://example.com/cb', /must use https/],
      ['https://example.com/cb#frag', /fragment/],
      ['https://*.example.com/cb', /wildcard/],
      ['/relative/cb', /not an absolute URL/],
      ['javascript:alert(1)', /must use https/],
    ];
    for (const [uri, message] of cases) {
      const result = await register(user, {
        name: 'Bad',
        redirect_uris: uri,
        type: 'confidential',
      });
      expect(result.status, uri).toBe(400);
      expect(user.browser.lastHtml).toMatch(message);
    }
    expect((await register(user, { name: '', redirect_uris: REDIRECT_URI })).status).toBe(400);
    const ok = await register(user, {
      name: 'Good',
      redirect_uris: `https://example.com/cb\n${REDIRECT_URI}\nhttp://127.0.0.1:9000/cb\nhttp://[::1]/cb`,
    });
    expect(ok.status).toBe(303);
  });

  it('registers a confidential website whose credentials complete a sign-in', async () => {
    const user = await signUp(h);
    const result = await register(user, {
      name: 'My <Shop>',
      redirect_uris: REDIRECT_URI,
      type: 'confidential',
    });
    expect(result.status).toBe(303);
    const client = result.client as ClientFixture;
    expect(client.client_secret).toMatch(/^aa_cs_/);
    expect(user.browser.lastHtml).toContain('My &lt;Shop&gt;');
    expect(user.browser.lastHtml).toContain('data-copy="client-secret"');
    expect(user.browser.lastHtml).toContain('/token');
    const tokens = await obtainTokens(h, client, agent);
    expect((await introspect(client, tokens.access_token)).body.active).toBe(true);
    await user.browser.get(`/console/websites/${result.id}`);
    expect(user.browser.lastHtml).not.toContain(client.client_secret);
    expect(user.browser.lastHtml).toMatch(/Agents signed in<\/dt><dd>1</);
  });

  it('registers a public website with no secret that must use PKCE', async () => {
    const user = await signUp(h);
    const result = await register(user, {
      name: 'SPA',
      redirect_uris: REDIRECT_URI,
      type: 'public',
    });
    expect(result.status).toBe(303);
    expect(result.client?.client_secret).toBeNull();
    const tokens = await obtainTokens(h, result.client as ClientFixture, agent);
    expect(tokens.access_token).toBeTruthy();
  });

  it('edits name and redirect URIs; the old URI stops matching exactly', async () => {
    const user = await signUp(h);
    const result = await register(user, { name: 'Site', redirect_uris: REDIRECT_URI });
    const client = result.client as ClientFixture;
    await user.browser.get(`/console/websites/${result.id}`);
    const bad = await user.browser.post(`/console/websites/${result.id}/edit`, {
      name: 'Site',
      redirect_uris: 'http://evil.example/cb',
    });
    expect(bad.status).toBe(400);
    const edited = await user.browser.post(`/console/websites/${result.id}/edit`, {
      name: 'Renamed site',
      redirect_uris: 'https://app.example.com/callback',
    });
    expect(edited.status).toBe(303);
    expect((await startAuthorization(h, client)).response.status).toBe(400);
    const started = await startAuthorization(h, client, {
      redirect_uri: 'https://app.example.com/callback',
    });
    expect(started.response.status).toBe(200);
    expect(started.html).toContain('Renamed site');
    const slash = await startAuthorization(h, client, {
      redirect_uri: 'https://app.example.com/callback/',
    });
    expect(slash.response.status).toBe(400);
  });

  it('rotates the client secret without overlap when asked: the old one fails at once', async () => {
    const user = await signUp(h);
    const result = await register(user, { name: 'Rotating', redirect_uris: REDIRECT_URI });
    const client = result.client as ClientFixture;
    const tokens = await obtainTokens(h, client, agent);
    expect((await introspect(client, tokens.access_token)).status).toBe(200);
    await user.browser.get(`/console/websites/${result.id}`);
    const rotated = await user.browser.post(`/console/websites/${result.id}/rotate`, {
      confirm: 'yes',
      overlap: 'none',
    });
    expect((await user.browser.follow(rotated)).status).toBe(200);
    const fresh = codeById(user.browser.lastHtml, 'client-secret');
    expect((await introspect(client, tokens.access_token)).status).toBe(401);
    expect(
      (await introspect({ ...client, client_secret: fresh }, tokens.access_token)).status,
    ).toBe(200);
  });

  it('deleting a website revokes all of its tokens', async () => {
    const user = await signUp(h);
    const result = await register(user, { name: 'Doomed', redirect_uris: REDIRECT_URI });
    const client = result.client as ClientFixture;
    const tokens = await obtainTokens(h, client, agent);
    await user.browser.get(`/console/websites/${result.id}`);
    const path = `/console/websites/${result.id}/delete`;
    expect((await user.browser.post(path)).headers.get('location')).toBe(path);
    expect((await introspect(client, tokens.access_token)).body.active).toBe(true);
    await user.browser.get(path);
    expect(user.browser.lastHtml).toContain('End the sign-ins of 1 agent');
    expect((await user.browser.post(path, { confirm: 'yes' })).status).toBe(303);
    const userinfo = await h.request('/userinfo', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(401);
    const refresh = await tokenRequest(h, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    expect(refresh.status).toBe(401);
    expect((await user.browser.get(`/console/websites/${result.id}`)).status).toBe(404);
  });

  it('a disabled website cannot start sign-ins', async () => {
    const user = await signUp(h);
    const result = await register(user, { name: 'Paused', redirect_uris: REDIRECT_URI });
    await user.browser.get(`/console/websites/${result.id}`);
    expect((await user.browser.post(`/console/websites/${result.id}/disable`)).status).toBe(303);
    expect((await startAuthorization(h, result.client as ClientFixture)).response.status).toBe(400);
    expect((await user.browser.post(`/console/websites/${result.id}/enable`)).status).toBe(303);
    expect((await startAuthorization(h, result.client as ClientFixture)).response.status).toBe(200);
  });
});
