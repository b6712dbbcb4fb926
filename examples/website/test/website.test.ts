import type { Hono } from 'hono';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { AuthAgent, requestIdFrom } from '../../../packages/sdk/src/agent/index.js';
import { CALLBACKS } from '../../../packages/sdk/test/support/ports.js';
import { createWebsite } from '../src/website.js';

const server = inject('authAgent');
const BASE = new URL(CALLBACKS.example).origin;
let site: Hono;

beforeAll(async () => {
  site = await createWebsite({
    issuer: server.issuer,
    clientId: server.website.client_id,
    clientSecret: server.website.client_secret ?? '',
    baseUrl: BASE,
    cookieSecret: 'example-website-test-cookie-secret-0123456789',
  });
});

/** The browser's cookies for the website, as a Cookie header. */
function jar() {
  const cookies = new Map<string, string>();
  return {
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    take(response: Response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        const value = pair.slice(eq + 1);
        if (value === '') cookies.delete(pair.slice(0, eq));
        else cookies.set(pair.slice(0, eq), value);
      }
    },
  };
}

const get = (path: string, cookie = '') =>
  site.request(`${BASE}${path}`, { headers: cookie ? { cookie } : {} });

/** Runs /login → Auth Agent → /callback; returns the website jar and the callback response. */
async function signIn() {
  const website = jar();
  const login = await get('/login');
  website.take(login);
  const authorize = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' });
  const serverCookie = (authorize.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const requestId = requestIdFrom(await authorize.text());
  const agent = new AuthAgent({
    issuer: server.issuer,
    agentId: server.agent.agent_id,
    agentSecret: server.agent.agent_secret,
    model: 'example-test-model',
  });
  await agent.authenticate(requestId);
  const status = await fetch(`${server.issuer}/api/check-status?request_id=${requestId}`, {
    headers: { cookie: serverCookie },
  });
  const { redirect_to } = (await status.json()) as { redirect_to: string };
  const callback = await get(
    new URL(redirect_to).pathname + new URL(redirect_to).search,
    website.header(),
  );
  website.take(callback);
  return { website, callback, redirectTo: redirect_to };
}

const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./;

describe('the example website', () => {
  it('home: a sign-in link, no script at all, and a strict CSP', async () => {
    const response = await get('/');
    const page = await response.text();
    expect(page).toContain('href="/login"');
    expect(page).toContain('Sign in with Auth Agent');
    expect(page).not.toMatch(/<script/i);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('/login redirects to the server with PKCE and keeps the verifier in a sealed HttpOnly cookie', async () => {
    const response = await get('/login');
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(`${server.issuer}/authorize`);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^auth_agent_tx=.+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/);
    expect(cookie).not.toContain(location.searchParams.get('state') ?? 'missing');
  });

  it('signs an agent in: callback → dashboard with agent id, model and user email', async () => {
    const { website, callback } = await signIn();
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/dashboard');
    for (const cookie of callback.headers.getSetCookie()) {
      expect(cookie).toContain('HttpOnly');
      expect(cookie).not.toMatch(JWT);
    }
    const dashboard = await get('/dashboard', website.header());
    const page = await dashboard.text();
    expect(dashboard.status).toBe(200);
    expect(page).toContain(`<dd data-field="agent-id">${server.agent.agent_id}</dd>`);
    expect(page).toContain('<dd data-field="model">example-test-model</dd>');
    expect(page).toContain('<dd data-field="user-email">person@example.com</dd>');
    expect(page).not.toMatch(JWT);
    expect(page).not.toMatch(/localStorage|sessionStorage|<script/i);
  });

  it("refuses a callback that arrives without the browser's transaction cookie", async () => {
    const { redirectTo } = await signIn();
    const path = new URL(redirectTo).pathname + new URL(redirectTo).search;
    const foreign = await get(path);
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('state_mismatch');
  });

  it('sends a visitor without a session home, and refuses /api without a Bearer token', async () => {
    const dashboard = await get('/dashboard');
    expect(dashboard.status).toBe(302);
    expect(dashboard.headers.get('location')).toBe('/');
    const api = await get('/api/me');
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('sign-out revokes the grant: a copy of the old session cookie stops working', async () => {
    const { website } = await signIn();
    const stolenCopy = website.header();
    const logout = await site.request(`${BASE}/logout`, {
      method: 'POST',
      headers: { cookie: website.header() },
    });
    expect(logout.status).toBe(303);
    expect(logout.headers.getSetCookie().join()).toMatch(/auth_agent_session=; .*Max-Age=0/);
    const replay = await get('/dashboard', stolenCopy);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('invalid_token');
  });
});
