import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainTokens } from './support/flow.js';
import { type ClientFixture, createHarness, type Harness } from './support/harness.js';

// What each endpoint allows cross-origin is written down in docs/security.md ("CORS").
const CONFIGURED = 'https://dashboard.example.com';
const ANYWHERE = 'https://mcp-inspector.example.org';

let h: Harness;
let spa: ClientFixture;

beforeAll(async () => {
  h = await createHarness({ CORS_ORIGINS: CONFIGURED });
  const owner = await h.createUser();
  spa = await h.createClient(owner.email, { public: true });
});
afterAll(() => h.dispose());

const preflight = (path: string, origin: string, method = 'POST') =>
  h.request(path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization, content-type',
    },
  });

function expectOpen(response: Response) {
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(response.headers.get('access-control-allow-credentials')).toBeNull();
}

describe('endpoints any web page may call, without credentials', () => {
  it.each([
    ['/.well-known/oauth-authorization-server', 'GET'],
    ['/.well-known/openid-configuration', 'GET'],
    ['/.well-known/jwks.json', 'GET'],
    ['/userinfo', 'GET'],
    ['/token', 'POST'],
    ['/revoke', 'POST'],
    ['/register', 'POST'],
    ['/register/client_abc', 'PUT'],
    ['/register/client_abc', 'DELETE'],
  ])('%s answers a %s preflight from any origin with *', async (path, method) => {
    const response = await preflight(path, ANYWHERE, method);
    expect(response.status).toBe(204);
    expectOpen(response);
    expect(response.headers.get('access-control-allow-methods')).toContain(method);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });

  it('lets a browser read discovery, the JWKS and a registration', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/jwks.json']) {
      const response = await h.request(path, { headers: { origin: ANYWHERE } });
      expect(response.status).toBe(200);
      expectOpen(response);
    }
    const registered = await h.request('/register', {
      method: 'POST',
      headers: { origin: ANYWHERE, 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [`${ANYWHERE}/callback`], client_name: 'Inspector' }),
    });
    expect(registered.status).toBe(201);
    expectOpen(registered);
  });

  it('lets a browser app refresh, call userinfo and revoke, and read the errors too', async () => {
    const agent = await h.createAgent((await h.createUser()).email);
    const tokens = await obtainTokens(h, spa, agent);
    const form = { origin: ANYWHERE, 'content-type': 'application/x-www-form-urlencoded' };
    const refresh = await h.request('/token', {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: spa.client_id,
      }).toString(),
    });
    expect(refresh.status).toBe(200);
    expectOpen(refresh);
    const { access_token } = (await refresh.json()) as { access_token: string };
    const userinfo = await h.request('/userinfo', {
      headers: { origin: ANYWHERE, authorization: `Bearer ${access_token}` },
    });
    expect(userinfo.status).toBe(200);
    expectOpen(userinfo);
    const denied = await h.request('/userinfo', {
      headers: { origin: ANYWHERE, authorization: 'Bearer not-a-token' },
    });
    expect(denied.status).toBe(401);
    expectOpen(denied);
    expect(denied.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/);
    const revoke = await h.request('/revoke', {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ token: access_token, client_id: spa.client_id }).toString(),
    });
    expect(revoke.status).toBe(200);
    expectOpen(revoke);
  });
});

describe('endpoints only CORS_ORIGINS may call', () => {
  it.each(['/introspect', '/api/agent/authenticate'])(
    '%s refuses the preflight of another origin and gives it no CORS headers',
    async (path) => {
      expect((await preflight(path, ANYWHERE)).status).toBe(403);
      const response = await h.request(path, {
        method: 'POST',
        headers: { origin: ANYWHERE, 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    },
  );

  it.each(['/introspect', '/api/agent/authenticate'])(
    '%s answers the configured origin by name, without credentials',
    async (path) => {
      const response = await preflight(path, CONFIGURED);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(CONFIGURED);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    },
  );
});
