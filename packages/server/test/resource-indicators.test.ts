import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, signIn, startAuthorization, tokenRequest } from './support/flow.js';
import {
  type AgentFixture,
  type ApiFixture,
  type ClientFixture,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

// RFC 8707 resource indicators: `resource` at /authorize, /token and on refresh.
let h: Harness;
let client: ClientFixture;
let service: ClientFixture;
let agent: AgentFixture;
let calendar: ApiFixture;
let mail: ApiFixture;
let other: ApiFixture;
const CALENDAR = 'https://calendar.example.com/api';

beforeAll(async () => {
  let owner: { email: string };
  ({ h, owner, client, agent } = await createSignInWorld());
  service = await h.createClient(owner.email, { name: 'Service', clientCredentials: true });
  calendar = await h.createApi(owner.email, {
    identifier: CALENDAR,
    scopes: ['calendar.read', 'calendar.write'],
  });
  mail = await h.createApi(owner.email, {
    identifier: 'https://mail.example.com',
    scopes: ['mail.read'],
  });
  other = await h.createApi(owner.email, { identifier: 'urn:example:other', scopes: ['x'] });
});
afterAll(() => h.dispose());

interface TokenBody {
  access_token: string;
  refresh_token: string;
  scope: string;
  error?: string;
}

/** The token request for a new code issued under `authorize`, without a resource yet. */
async function codeRequest(authorize: Record<string, string | string[]>) {
  const { code, verifier } = await signIn(h, client, agent, 'm', authorize);
  return {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  };
}

async function exchange(
  authorize: Record<string, string | string[]>,
  token: Record<string, string> = {},
) {
  const request = await codeRequest(authorize);
  const response = await tokenRequest(h, client, { ...request, ...token });
  return { response, body: (await response.json()) as TokenBody, request };
}

function refresh(refreshToken: string, extra: Record<string, string> = {}) {
  return tokenRequest(h, client, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...extra,
  });
}

async function introspect(token: string) {
  const response = await h.request('/introspect', {
    method: 'POST',
    headers: {
      authorization: basicAuth(client),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** The error an authorization request sends to the (verified) redirect URI. */
async function authorizeError(params: Record<string, string | string[]>) {
  const started = await startAuthorization(h, client, params);
  expect(started.response.status).toBe(302);
  const location = new URL(started.response.headers.get('location') ?? '');
  expect(location.origin + location.pathname).toBe(REDIRECT_URI);
  expect(location.searchParams.get('state')).toBe(started.state);
  return location.searchParams.get('error');
}

describe('resource at /authorize and /token (RFC 8707)', () => {
  it('makes the resource the access token audience, and introspection reports it', async () => {
    const { response, body } = await exchange({
      resource: calendar.identifier,
      scope: 'openid calendar.read',
    });
    expect(response.status).toBe(200);
    expect(body.scope).toBe('openid calendar.read');
    const claims = decodeJwt(body.access_token);
    expect(claims.aud).toBe(calendar.identifier);
    expect(claims.client_id).toBe(client.client_id);
    expect(await introspect(body.access_token)).toMatchObject({
      active: true,
      aud: calendar.identifier,
      scope: 'openid calendar.read',
    });
  });

  it('keeps the client as the audience without resource', async () => {
    const { body } = await exchange({});
    expect(decodeJwt(body.access_token).aud).toBe(client.client_id);
  });

  it.each([
    ['a fragment and no scheme', 'not-a-uri#frag'],
    ['a fragment', 'https://calendar.example.com/api#x'],
    ['a relative reference', '/api'],
    ['an unregistered URI', 'https://unknown.example.com/api'],
    ['a prefix of a registered identifier', 'https://calendar.example.com'],
  ])('sends invalid_target to the verified redirect URI for %s', async (_, resource) => {
    expect(await authorizeError({ resource })).toBe('invalid_target');
  });

  it('shows the error on its own page when the redirect URI is not verified', async () => {
    const started = await startAuthorization(h, client, {
      resource: 'not-a-uri#frag',
      redirect_uri: 'https://attacker.example/cb',
    });
    expect(started.response.status).toBe(400);
    expect(started.response.headers.get('location')).toBeNull();
  });

  it("refuses a scope the API does not define, and an API's scope without its resource", async () => {
    expect(await authorizeError({ resource: calendar.identifier, scope: 'mail.read' })).toBe(
      'invalid_scope',
    );
    expect(await authorizeError({ scope: 'calendar.read' })).toBe('invalid_scope');
  });

  it('refuses at /token a resource the code was not issued for, and the code stays usable', async () => {
    const base = await codeRequest({ resource: calendar.identifier });
    const refused = await tokenRequest(h, client, { ...base, resource: mail.identifier });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_target' });
    const malformed = await tokenRequest(h, client, { ...base, resource: 'not-a-uri#frag' });
    expect(await malformed.json()).toMatchObject({ error: 'invalid_target' });
    const ok = await tokenRequest(h, client, { ...base, resource: calendar.identifier });
    expect(ok.status).toBe(200);
  });

  it('keeps the code usable when refused resources arrive at once, each given back in turn', async () => {
    const base = await codeRequest({ resource: calendar.identifier });
    const refused = await Promise.all(
      [mail, other, mail, other, mail, other].map((api) =>
        tokenRequest(h, client, { ...base, resource: api.identifier }),
      ),
    );
    for (const response of refused)
      expect(await response.json()).toMatchObject({ error: 'invalid_target' });
    const ok = await tokenRequest(h, client, { ...base, resource: calendar.identifier });
    expect(ok.status).toBe(200);
  });

  it('treats a spent code presented again, whatever resource it names, as a replay', async () => {
    const { response, body, request } = await exchange({ resource: calendar.identifier });
    expect(response.status).toBe(200);
    const again = await tokenRequest(h, client, { ...request, resource: mail.identifier });
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
    // RFC 9700 §4.2.4: what the code gave is revoked.
    const refresh = await tokenRequest(h, client, {
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token,
    });
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('several resources, and refresh (RFC 8707 §2.2)', () => {
  it('issues for every granted resource, then narrows on refresh to one, with its scopes', async () => {
    const { body } = await exchange({
      resource: [calendar.identifier, mail.identifier],
      scope: 'openid calendar.read mail.read',
    });
    expect(decodeJwt(body.access_token).aud).toEqual([calendar.identifier, mail.identifier]);
    const narrowed = await refresh(body.refresh_token, { resource: mail.identifier });
    expect(narrowed.status).toBe(200);
    const next = (await narrowed.json()) as TokenBody;
    expect(decodeJwt(next.access_token).aud).toBe(mail.identifier);
    expect(next.scope).toBe('openid mail.read');
    // The grant keeps both: the next refresh may narrow to the other one.
    const back = (await (
      await refresh(next.refresh_token, { resource: calendar.identifier })
    ).json()) as TokenBody;
    expect(decodeJwt(back.access_token).aud).toBe(calendar.identifier);
    expect(back.scope).toBe('openid calendar.read');
  });

  it('narrows at the token request too', async () => {
    const { body } = await exchange(
      { resource: [calendar.identifier, mail.identifier], scope: 'calendar.write mail.read' },
      { resource: calendar.identifier },
    );
    expect(decodeJwt(body.access_token).aud).toBe(calendar.identifier);
    expect(body.scope).toBe('calendar.write');
  });

  it('refuses to widen on refresh, and the refresh token stays unspent', async () => {
    const { body } = await exchange({ resource: calendar.identifier });
    for (const resource of [other.identifier, 'https://unknown.example.com', 'not-a-uri#frag']) {
      const widened = await refresh(body.refresh_token, { resource });
      expect(widened.status).toBe(400);
      expect(await widened.json()).toMatchObject({ error: 'invalid_target' });
    }
    const plain = await exchange({});
    const fromNone = await refresh(plain.body.refresh_token, { resource: calendar.identifier });
    expect(await fromNone.json()).toMatchObject({ error: 'invalid_target' });
    const still = await refresh(body.refresh_token);
    expect(still.status).toBe(200);
    expect(decodeJwt(((await still.json()) as TokenBody).access_token).aud).toBe(
      calendar.identifier,
    );
  });

  it('refuses two resources in one token request', async () => {
    const { body } = await exchange({ resource: [calendar.identifier, mail.identifier] });
    const response = await h.request('/token', {
      method: 'POST',
      headers: {
        authorization: basicAuth(client),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `grant_type=refresh_token&refresh_token=${body.refresh_token}&resource=${encodeURIComponent(calendar.identifier)}&resource=${encodeURIComponent(mail.identifier)}`,
    });
    expect(await response.json()).toMatchObject({ error: 'invalid_target' });
  });
});

describe('client_credentials with resource', () => {
  function credentials(params: Record<string, string>) {
    return tokenRequest(h, service, { grant_type: 'client_credentials', ...params });
  }

  it("gives the client a token for the API, with the API's scopes", async () => {
    const response = await credentials({
      resource: calendar.identifier,
      scope: 'calendar.read',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenBody;
    expect(body.scope).toBe('calendar.read');
    expect(decodeJwt(body.access_token)).toMatchObject({
      aud: calendar.identifier,
      sub: service.client_id,
    });
  });

  it.each([
    [{ resource: 'https://unknown.example.com/api' }, 'invalid_target'],
    [{ resource: 'relative/path' }, 'invalid_target'],
    [{ resource: CALENDAR, scope: 'mail.read' }, 'invalid_scope'],
    [{ scope: 'calendar.read' }, 'invalid_scope'],
  ])('refuses %j with %s', async (params, error) => {
    const response = await credentials(params);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error });
  });

  it('refuses OpenID Connect scopes for a client acting for itself, even with a resource', async () => {
    const response = await credentials({ resource: calendar.identifier, scope: 'openid' });
    expect(await response.json()).toMatchObject({ error: 'invalid_scope' });
  });
});
