import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from './support/client-keys.js';
import { basicAuth, obtainTokens, startAuthorization, tokenRequest } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  createHarness,
  type Harness,
  ISSUER,
  REDIRECT_URI,
} from './support/harness.js';

// Dynamic Client Registration (RFC 7591) and its management protocol (RFC 7592).
let h: Harness;
let agent: AgentFixture;

beforeAll(async () => {
  h = await createHarness();
  agent = await h.createAgent((await h.createUser()).email);
});
afterAll(() => h.dispose());

const NATIVE = {
  client_name: 'Research MCP client',
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

function manage(
  registration: Record<string, unknown>,
  init: { method?: string; token?: string; body?: unknown } = {},
) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${init.token ?? registration.registration_access_token}`,
  };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return h.request(new URL(registration.registration_client_uri as string).pathname, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

const fixture = (body: Record<string, unknown>): ClientFixture => ({
  client_id: body.client_id as string,
  client_secret: (body.client_secret as string | undefined) ?? null,
  redirect_uris: body.redirect_uris as string[],
});

describe('a client that registers itself', () => {
  it('registers, signs an agent in, reads, updates and deletes its registration', async () => {
    const { status, body } = await register(h, NATIVE);
    expect(status).toBe(201);
    expect(body).toMatchObject({
      client_name: NATIVE.client_name,
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      client_id_issued_at: expect.any(Number),
      registration_access_token: expect.stringMatching(/^aa_rat_/),
      registration_client_uri: `${ISSUER}/register/${body.client_id}`,
    });
    expect(body).not.toHaveProperty('client_secret');

    const started = await startAuthorization(h, fixture(body));
    expect(started.html).toContain('registered itself');
    const tokens = await obtainTokens(h, fixture(body), agent);
    expect(tokens.token_type).toBe('Bearer');

    const read = await manage(body);
    expect(read.status).toBe(200);
    expect(read.headers.get('cache-control')).toBe('no-store');
    const current = (await read.json()) as Record<string, unknown>;
    expect(current).toMatchObject({ client_id: body.client_id, client_name: NATIVE.client_name });
    expect(current).not.toHaveProperty('registration_access_token');

    const moved = 'http://localhost:3000/new-callback';
    const updated = await manage(body, {
      method: 'PUT',
      body: {
        ...NATIVE,
        client_id: body.client_id,
        client_name: 'Renamed',
        redirect_uris: [moved],
      },
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ client_name: 'Renamed', redirect_uris: [moved] });
    expect((await startAuthorization(h, fixture(body))).response.status).toBe(400);
    expect(
      (await startAuthorization(h, fixture(body), { redirect_uri: moved })).response.status,
    ).toBe(200);

    expect((await manage(body, { method: 'DELETE' })).status).toBe(204);
    expect((await manage(body)).status).toBe(401);
    const refresh = await tokenRequest(h, undefined, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: body.client_id as string,
    });
    expect(refresh.status).toBe(401);
  });

  it('answers every RFC 7592 request without the right token with 401 invalid_token', async () => {
    const mine = (await register(h, NATIVE)).body;
    const theirs = (await register(h, NATIVE)).body;
    for (const token of ['aa_rat_wrong', theirs.registration_access_token as string]) {
      const response = await manage(mine, { token });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await response.json()).toMatchObject({ error: 'invalid_token' });
      expect((await manage(mine, { token, method: 'DELETE' })).status).toBe(401);
    }
    const anonymous = await h.request(`/register/${mine.client_id}`);
    expect(anonymous.status).toBe(401);
    expect((await manage(mine)).status).toBe(200);
  });

  it('refuses updates that change the authentication method, omit client_id or send a secret', async () => {
    const mine = (await register(h, NATIVE)).body;
    const id = mine.client_id;
    for (const body of [
      {
        ...NATIVE,
        client_id: id,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'https://k.example/jwks',
      },
      { ...NATIVE },
      { ...NATIVE, client_id: id, client_secret: 'x' },
    ]) {
      const response = await manage(mine, { method: 'PUT', body });
      expect(response.status).toBe(400);
    }
  });
});

describe('what a self-registered client may not be', () => {
  it.each([
    [
      'a client secret (not allowed by default)',
      { token_endpoint_auth_method: 'client_secret_basic' },
      'invalid_client_metadata',
    ],
    [
      'an unknown auth method',
      { token_endpoint_auth_method: 'tls_client_auth' },
      'invalid_client_metadata',
    ],
    [
      'a public client_credentials client',
      { grant_types: ['client_credentials'] },
      'invalid_client_metadata',
    ],
    ['an implicit client', { response_types: ['token'] }, 'invalid_client_metadata'],
    ['a password-grant client', { grant_types: ['password'] }, 'invalid_client_metadata'],
    [
      'a private_key_jwt client without keys',
      { token_endpoint_auth_method: 'private_key_jwt' },
      'invalid_client_metadata',
    ],
    ['without redirect URIs', { redirect_uris: [] }, 'invalid_redirect_uri'],
    [
      'with plain http off loopback',
      { redirect_uris: ['http://app.example.com/cb'] },
      'invalid_redirect_uri',
    ],
    [
      'with a fragment',
      { redirect_uris: ['https://app.example.com/cb#x'] },
      'invalid_redirect_uri',
    ],
    ['with a wildcard', { redirect_uris: ['https://*.example.com/cb'] }, 'invalid_redirect_uri'],
    [
      'with credentials',
      { redirect_uris: ['https://user:pw@app.example.com/cb'] },
      'invalid_redirect_uri',
    ],
    ['with a javascript: URI', { redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
    ['with a 300-character name', { client_name: 'x'.repeat(300) }, 'invalid_client_metadata'],
  ])('refuses %s', async (_label, change, error) => {
    const { status, body } = await register(h, { ...NATIVE, ...change });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error, error_description: expect.any(String) });
  });

  it('refuses bodies that are not a JSON object', async () => {
    const post = (body: string, type = 'application/json') =>
      h.request('/register', { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('redirect_uris=x', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await post('[1]')).status).toBe(400);
    expect((await post('{"redirect_uris":')).status).toBe(400);
  });

  it('gets a client secret only where CLIENT_REGISTRATION_SECRETS allows it', async () => {
    const lenient = await createHarness({ CLIENT_REGISTRATION_SECRETS: '1' });
    try {
      const { status, body } = await register(lenient, {
        redirect_uris: [REDIRECT_URI],
        grant_types: ['client_credentials'],
      });
      expect(status).toBe(201);
      expect(body).toMatchObject({
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret: expect.stringMatching(/^aa_cs_/),
        client_secret_expires_at: 0,
      });
      const response = await lenient.request('/token', {
        method: 'POST',
        headers: {
          authorization: basicAuth(fixture(body)),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      expect(response.status).toBe(200);
    } finally {
      await lenient.dispose();
    }
  });
});
