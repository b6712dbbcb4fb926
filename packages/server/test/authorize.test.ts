import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, pkcePair, startAuthorization } from './support/flow.js';
import {
  type ClientFixture,
  createHarness,
  type Harness,
  ISSUER,
  REDIRECT_URI,
} from './support/harness.js';

let h: Harness;
let client: ClientFixture;

beforeAll(async () => {
  h = await createHarness();
  const owner = await h.createUser();
  client = await h.createClient(owner.email);
});
afterAll(() => h.dispose());

function validParams(overrides: Record<string, string | undefined> = {}) {
  return {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    state: 'state-123',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
}

async function expectErrorPage(path: string, fragment: RegExp) {
  const response = await h.request(path);
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toMatch(/text\/html/);
  const body = await response.text();
  expect(body).toMatch(fragment);
  expect(body).not.toMatch(/at .*\.(ts|js):\d+/);
}

describe('GET /authorize before the redirect URI is trusted', () => {
  it('renders an error page when client_id is missing', async () => {
    await expectErrorPage(
      authorizeUrl(validParams({ client_id: undefined })),
      /client_id parameter is missing/,
    );
  });

  it('renders an error page for an unknown client, never redirecting', async () => {
    await expectErrorPage(
      authorizeUrl(validParams({ client_id: 'client_unknown' })),
      /not registered/,
    );
  });

  it('renders an error page when redirect_uri is missing', async () => {
    await expectErrorPage(
      authorizeUrl(validParams({ redirect_uri: undefined })),
      /redirect_uri parameter is missing/,
    );
  });

  it.each([
    ['a different path', 'http://localhost:3000/callback/evil'],
    ['a trailing slash', 'http://localhost:3000/callback/'],
    ['another port', 'http://localhost:3001/callback'],
    ['an extra query', 'http://localhost:3000/callback?next=evil'],
    ['another host', 'https://attacker.example/callback'],
    ['upper case', 'HTTP://LOCALHOST:3000/callback'],
  ])('matches redirect_uri exactly: refuses %s without redirecting', async (_name, uri) => {
    await expectErrorPage(
      authorizeUrl(validParams({ redirect_uri: uri })),
      /redirect_uri is not registered/,
    );
  });

  it('refuses repeated parameters with an error page', async () => {
    const path = `${authorizeUrl(validParams())}&client_id=${client.client_id}`;
    await expectErrorPage(path, /repeated/);
  });

  it.each([
    ['SQL metacharacters', "x' OR '1'='1"],
    ['unicode', 'клиент-🚀'],
    ['a very long id', 'c'.repeat(5000)],
    ['a NUL byte', 'abc\u0000def'],
  ])('answers a client_id with %s with a 4xx page', async (_name, clientId) => {
    const response = await h.request(authorizeUrl(validParams({ client_id: clientId })));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});

describe('GET /authorize after the redirect URI is verified', () => {
  async function expectRedirectError(overrides: Record<string, string | undefined>, error: string) {
    const response = await h.request(authorizeUrl(validParams(overrides)));
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('error_description')).toBeTruthy();
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    return location;
  }

  it('redirects unsupported_response_type with state and iss', async () => {
    const location = await expectRedirectError(
      { response_type: 'token' },
      'unsupported_response_type',
    );
    expect(location.searchParams.get('state')).toBe('state-123');
  });

  it('requires state', async () => {
    const location = await expectRedirectError({ state: undefined }, 'invalid_request');
    expect(location.searchParams.has('state')).toBe(false);
  });

  it('requires a code_challenge', async () => {
    await expectRedirectError({ code_challenge: undefined }, 'invalid_request');
  });

  it('refuses the plain PKCE method, and a missing method (which defaults to plain)', async () => {
    await expectRedirectError({ code_challenge_method: 'plain' }, 'invalid_request');
    await expectRedirectError({ code_challenge_method: undefined }, 'invalid_request');
  });

  it('refuses a malformed challenge', async () => {
    await expectRedirectError({ code_challenge: 'too-short' }, 'invalid_request');
  });

  it('refuses an unknown scope with invalid_scope', async () => {
    await expectRedirectError({ scope: 'openid admin' }, 'invalid_scope');
  });

  it('keeps the query of a registered redirect URI when adding parameters', async () => {
    const owner = await h.createUser();
    const withQuery = await h.createClient(owner.email, {
      redirectUris: ['https://site.example/cb?tenant=7'],
    });
    const response = await h.request(
      authorizeUrl(
        validParams({
          client_id: withQuery.client_id,
          redirect_uri: 'https://site.example/cb?tenant=7',
          response_type: 'x',
        }),
      ),
    );
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('tenant')).toBe('7');
    expect(location.searchParams.get('error')).toBe('unsupported_response_type');
  });
});

describe('the agent sign-in page', () => {
  it('exposes the request id three ways and names the website', async () => {
    const started = await startAuthorization(h, client);
    expect(started.response.status).toBe(200);
    expect(started.html).toContain(
      `<meta name="auth-agent-request-id" content="${started.requestId}">`,
    );
    expect(started.html).toContain(`data-request-id="${started.requestId}"`);
    const json =
      /window\.authRequest = Object\.freeze\((\{.*?\})\);/.exec(started.html)?.[1] ?? '{}';
    const authRequest = JSON.parse(json) as Record<string, string>;
    expect(authRequest.request_id).toBe(started.requestId);
    expect(authRequest.client_name).toBe('Example Website');
    expect(authRequest.authenticate_endpoint).toBe(`${ISSUER}/api/agent/authenticate`);
    expect(Date.parse(authRequest.expires_at ?? '') - Date.now()).toBeGreaterThan(100_000);
    expect(Date.parse(authRequest.expires_at ?? '') - Date.now()).toBeLessThanOrEqual(120_000);
    expect(started.html).toMatch(/for AI agents/i);
  });

  it('runs no script without the per-response nonce', async () => {
    const started = await startAuthorization(h, client);
    const csp = started.response.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const scripts = started.html.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(started.response.headers.get('cache-control')).toBe('no-store');
  });

  it('escapes the website name', async () => {
    const owner = await h.createUser();
    const hostile = await h.createClient(owner.email, {
      name: '<img src=x onerror=alert(1)></script>',
    });
    const started = await startAuthorization(h, hostile);
    expect(started.html).not.toContain('<img src=x');
    expect(started.html).not.toContain('</script>"');
    expect(started.html).toContain('&lt;img src=x');
  });

  it('binds the request to the browser with an HttpOnly, SameSite=Lax cookie', async () => {
    const started = await startAuthorization(h, client);
    const cookie = started.response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^auth_agent_browser=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('gives each request its own 256-bit id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await startAuthorization(h, client)).requestId);
    expect(ids.size).toBe(5);
    for (const id of ids) expect(Buffer.from(id, 'base64url')).toHaveLength(32);
  });
});
