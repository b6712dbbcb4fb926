import { Hono } from 'hono';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AuthAgentError,
  createAuthorizationUrl,
  discover,
  handleCallback,
  honoBearerAuth,
  isExpired,
  refresh,
  revoke,
  userinfo,
  verifyAccessToken,
  type WebsiteClient,
} from '../src/website/index.js';
import { CALLBACKS, PORTS } from './support/ports.js';
import { startTestServer, type TestServer } from './support/server.js';
import { optionsFor, signInOverHttp, tokensFor } from './support/sign-in.js';

const server = inject('authAgent');
const REDIRECT = CALLBACKS.website;
let client: WebsiteClient;
let other: WebsiteClient;
let publicClient: WebsiteClient;

beforeAll(async () => {
  client = await discover(optionsFor(server, server.website, REDIRECT));
  other = await discover(optionsFor(server, server.otherWebsite, REDIRECT));
  publicClient = await discover(optionsFor(server, server.publicWebsite, REDIRECT));
});

/** Awaits a promise that must reject with an AuthAgentError, and returns it. */
async function failure(promise: Promise<unknown>): Promise<AuthAgentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthAgentError);
  return error as AuthAgentError;
}

describe('discover', () => {
  it('reads the metadata and keeps the client secret out of the client object', () => {
    expect(client.issuer).toBe(server.issuer);
    expect(client.metadata.token_endpoint).toBe(`${server.issuer}/token`);
    expect(client.metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(JSON.stringify(client)).not.toContain(server.website.client_secret ?? 'unset');
  });

  it('fails with discovery_failed when the server names another issuer, or is unreachable', async () => {
    // Same server, other spelling: the metadata says localhost, so 127.0.0.1 is refused.
    const spelledDifferently = server.issuer.replace('localhost', '127.0.0.1');
    const mismatch = await failure(
      discover({ ...optionsFor(server, server.website, REDIRECT), issuer: spelledDifferently }),
    );
    expect(mismatch.code).toBe('discovery_failed');
    const down = await failure(
      discover({
        ...optionsFor(server, server.website, REDIRECT),
        issuer: `http://127.0.0.1:${PORTS.unreachable}`,
        retry: { retries: 1, baseDelayMs: 10 },
      }),
    );
    expect(down.code).toBe('discovery_failed');
    expect((down.cause as AuthAgentError).code).toBe('network_error');
  });

  it('refuses plain http off localhost unless allowed, and a relative redirect URI', async () => {
    const base = optionsFor(server, server.website, REDIRECT);
    expect((await failure(discover({ ...base, issuer: 'http://auth.example.com' }))).code).toBe(
      'invalid_config',
    );
    expect((await failure(discover({ ...base, redirectUri: '/callback' }))).code).toBe(
      'invalid_config',
    );
  });
});

describe('createAuthorizationUrl', () => {
  it('builds a code + PKCE S256 request with a fresh state and verifier each time', async () => {
    const a = await createAuthorizationUrl(client);
    const b = await createAuthorizationUrl(client, { scope: 'openid email' });
    expect(a.url.origin + a.url.pathname).toBe(`${server.issuer}/authorize`);
    const params = Object.fromEntries(a.url.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: server.website.client_id,
      redirect_uri: REDIRECT,
      scope: 'openid profile email',
      state: a.state,
      code_challenge_method: 'S256',
    });
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.url.searchParams.has('code_verifier')).toBe(false);
    expect(b.url.searchParams.get('scope')).toBe('openid email');
    expect(b.state).not.toBe(a.state);
    expect(b.codeVerifier).not.toBe(a.codeVerifier);
  });

  it('refuses extra parameters that would override the ones the SDK sets', async () => {
    const error = await failure(
      createAuthorizationUrl(client, { extraParams: { redirect_uri: 'https://evil.example' } }),
    );
    expect(error.code).toBe('invalid_config');
  });
});

describe('the website flow against a real server', () => {
  it('goes callback → tokens → userinfo → verify → refresh → revoke', async () => {
    const tokens = await tokensFor(server, client, 'gpt-test');
    expect(tokens.tokenType).toBe('bearer');
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.scope).toBe('openid profile email');
    expect(isExpired(tokens)).toBe(false);
    expect(decodeJwt(tokens.accessToken).aud).toBe(server.website.client_id);

    const me = await userinfo(client, tokens.accessToken, server.agent.agent_id);
    expect(me).toMatchObject({
      sub: server.agent.agent_id,
      model: 'gpt-test',
      email: 'person@example.com',
      name: 'Pat Person',
    });

    // The server signs ES256 and publishes its keys: verified offline against the JWKS.
    const verified = await verifyAccessToken(client, tokens.accessToken);
    expect(verified).toMatchObject({
      agentId: server.agent.agent_id,
      clientId: server.website.client_id,
      model: 'gpt-test',
      verifiedBy: 'jwks',
    });
    expect(verified.scopes).toEqual(['openid', 'profile', 'email']);

    const renewed = await refresh(client, tokens.refreshToken ?? '');
    expect(renewed.refreshToken).not.toBe(tokens.refreshToken);
    expect((await verifyAccessToken(client, renewed.accessToken)).agentId).toBe(
      server.agent.agent_id,
    );
    // Rotation: the old refresh token is spent; once its successor was used too, reusing it
    // is refused (before that, the server takes it for a retry after a lost answer).
    await refresh(client, renewed.refreshToken ?? '');
    const reuse = await failure(refresh(client, tokens.refreshToken ?? ''));
    expect(reuse).toMatchObject({ code: 'oauth_error', oauthError: 'invalid_grant' });

    const fresh = await tokensFor(server, client);
    await revoke(client, fresh.accessToken, 'access_token');
    // The server sees the revocation; an offline check only sees expiry (see the HS256 server below).
    expect((await failure(userinfo(client, fresh.accessToken))).code).toBe('invalid_token');
    expect((await failure(verifyAccessToken(client, `${fresh.accessToken}x`))).code).toBe(
      'invalid_token',
    );
    await revoke(client, fresh.refreshToken ?? '', 'refresh_token');
    expect((await failure(refresh(client, fresh.refreshToken ?? ''))).oauthError).toBe(
      'invalid_grant',
    );
  });

  it('works for a public client (PKCE, no secret), which verifies offline', async () => {
    const tokens = await tokensFor(server, publicClient);
    expect((await userinfo(publicClient, tokens.accessToken)).sub).toBe(server.agent.agent_id);
    expect((await verifyAccessToken(publicClient, tokens.accessToken)).verifiedBy).toBe('jwks');
    const renewed = await refresh(publicClient, tokens.refreshToken ?? '');
    await revoke(publicClient, renewed.refreshToken ?? '');
    expect((await failure(refresh(publicClient, renewed.refreshToken ?? ''))).code).toBe(
      'oauth_error',
    );
  });
});

describe('against a server that signs HS256 (SIGNING_ALG=HS256)', () => {
  // Nothing to verify offline: verifyAccessToken introspects, which also sees revocation,
  // and needs a confidential client.
  let hs: TestServer;
  let hsClient: WebsiteClient;
  let hsPublic: WebsiteClient;
  beforeAll(async () => {
    hs = await startTestServer(PORTS.hs256Server, [REDIRECT], { env: { SIGNING_ALG: 'HS256' } });
    hsClient = await discover(optionsFor(hs, hs.website, REDIRECT));
    hsPublic = await discover(optionsFor(hs, hs.publicWebsite, REDIRECT));
  }, 60_000);
  afterAll(() => hs?.close());

  it('verifies by introspection, which sees revocation at once, also in the middleware', async () => {
    const tokens = await tokensFor(hs, hsClient, 'hs-model');
    expect((await verifyAccessToken(hsClient, tokens.accessToken)).verifiedBy).toBe(
      'introspection',
    );
    const hono = new Hono();
    hono.use('/api/*', honoBearerAuth(hsClient));
    hono.get('/api/me', (c) => c.text('me'));
    const me = () =>
      hono.request('/api/me', { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect((await me()).status).toBe(200);
    await revoke(hsClient, tokens.accessToken, 'access_token');
    expect((await failure(verifyAccessToken(hsClient, tokens.accessToken))).code).toBe(
      'invalid_token',
    );
    expect((await me()).status).toBe(401);
  });

  it('a public client cannot introspect', async () => {
    const tokens = await tokensFor(hs, hsPublic);
    expect((await failure(verifyAccessToken(hsPublic, tokens.accessToken))).code).toBe(
      'introspection_unavailable',
    );
  });
});

describe('handleCallback refuses what it must', () => {
  const tamper = (url: string, change: (p: URLSearchParams) => void) => {
    const u = new URL(url);
    change(u.searchParams);
    return u.href;
  };

  it('a different state, a missing transaction → state_mismatch', async () => {
    const { callbackUrl, saved } = await signInOverHttp(server, client);
    const wrongState = { ...saved, state: 'another-state-value' };
    expect((await failure(handleCallback(client, callbackUrl, wrongState))).code).toBe(
      'state_mismatch',
    );
    expect((await failure(handleCallback(client, callbackUrl, undefined))).code).toBe(
      'state_mismatch',
    );
    // The untouched callback still works: the failures above did not spend the code.
    await expect(handleCallback(client, callbackUrl, saved)).resolves.toHaveProperty('accessToken');
  });

  it('a missing or foreign iss → issuer_mismatch (RFC 9207)', async () => {
    const { callbackUrl, saved } = await signInOverHttp(server, client);
    const noIss = tamper(callbackUrl, (p) => p.delete('iss'));
    const otherIss = tamper(callbackUrl, (p) => p.set('iss', 'https://evil.example'));
    expect((await failure(handleCallback(client, noIss, saved))).code).toBe('issuer_mismatch');
    expect((await failure(handleCallback(client, otherIss, saved))).code).toBe('issuer_mismatch');
  });

  it('an error response → authorization_error carrying the OAuth error', async () => {
    const { saved } = await signInOverHttp(server, client);
    const denied = `${REDIRECT}?error=access_denied&error_description=No&state=${saved.state}&iss=${encodeURIComponent(server.issuer)}`;
    expect(await failure(handleCallback(client, denied, saved))).toMatchObject({
      code: 'authorization_error',
      oauthError: 'access_denied',
    });
  });

  it('a replayed code, or the wrong verifier → oauth_error invalid_grant', async () => {
    const { callbackUrl, saved } = await signInOverHttp(server, client);
    const wrongVerifier = { ...saved, codeVerifier: 'x'.repeat(43) };
    expect((await failure(handleCallback(client, callbackUrl, wrongVerifier))).oauthError).toBe(
      'invalid_grant',
    );
    const second = await signInOverHttp(server, client);
    await handleCallback(client, second.callbackUrl, second.saved);
    expect(
      (await failure(handleCallback(client, second.callbackUrl, second.saved))).oauthError,
    ).toBe('invalid_grant');
  });

  it("another website's code is refused by this website", async () => {
    const { callbackUrl, saved } = await signInOverHttp(server, other);
    expect((await failure(handleCallback(client, callbackUrl, saved))).oauthError).toBe(
      'invalid_grant',
    );
  });
});

describe('verifyAccessToken refuses what it must', () => {
  it("another website's token, a refresh token, garbage, and an empty string", async () => {
    const theirs = await tokensFor(server, other);
    expect((await failure(verifyAccessToken(client, theirs.accessToken))).code).toBe(
      'invalid_token',
    );
    expect((await failure(verifyAccessToken(other, theirs.refreshToken ?? ''))).code).toBe(
      'invalid_token',
    );
    expect((await failure(verifyAccessToken(client, 'not-a-token'))).code).toBe('invalid_token');
    expect((await failure(verifyAccessToken(client, ''))).code).toBe('invalid_token');
    // …while the rightful website accepts it.
    expect((await verifyAccessToken(other, theirs.accessToken)).clientId).toBe(
      server.otherWebsite.client_id,
    );
  });
});
