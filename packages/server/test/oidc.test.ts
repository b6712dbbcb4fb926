import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, pkcePair, signIn, tokenRequest } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  type Harness,
  ISSUER,
  REDIRECT_URI,
} from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

// OpenID Connect Core 1.0 for the `openid` scope: ID tokens, nonce, auth_time, prompt, max_age.
let h: Harness;
let client: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  ({ h, client, agent } = await createSignInWorld({
    agent: { email: 'pat@example.com', name: 'Pat' },
  }));
});
afterAll(() => h.dispose());

interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token?: string;
}

async function exchange(overrides: Record<string, string | undefined> = {}) {
  const before = Math.floor(Date.now() / 1000);
  const { code, verifier } = await signIn(h, client, agent, 'oidc-model', overrides);
  const response = await tokenRequest(h, client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  });
  expect(response.status).toBe(200);
  return { tokens: (await response.json()) as Tokens, before };
}

/** Verified against the published JWKS, as a relying party would. */
async function verifyIdToken(idToken: string) {
  const jwks = createLocalJWKSet(await (await h.request('/.well-known/jwks.json')).json());
  const { payload, protectedHeader } = await jwtVerify(idToken, jwks, {
    issuer: ISSUER,
    audience: client.client_id,
    typ: 'JWT',
  });
  return { payload, protectedHeader };
}

const atHash = (token: string) =>
  createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url');

describe('ID tokens (OpenID Connect Core §2, §3.1.3.3)', () => {
  it('come with the code exchange, carrying nonce, auth_time, azp, at_hash and scoped claims', async () => {
    const { tokens, before } = await exchange({
      nonce: 'n-0S6_WzA2Mj',
      scope: 'openid email profile',
    });
    const { payload, protectedHeader } = await verifyIdToken(tokens.id_token ?? '');
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(payload).toMatchObject({
      iss: ISSUER,
      sub: agent.agent_id,
      aud: client.client_id,
      azp: client.client_id,
      nonce: 'n-0S6_WzA2Mj',
      at_hash: atHash(tokens.access_token),
      email: 'pat@example.com',
      email_verified: false,
      name: 'Pat',
      model: 'oidc-model',
    });
    expect(payload.auth_time).toBeGreaterThanOrEqual(before);
    expect(payload.auth_time).toBeLessThanOrEqual(Number(payload.iat));
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
  });

  it('carry only the claims the scopes allow, and no nonce when none was sent', async () => {
    const { tokens } = await exchange({ scope: 'openid' });
    const { payload } = await verifyIdToken(tokens.id_token ?? '');
    expect(payload).not.toHaveProperty('email');
    expect(payload).not.toHaveProperty('name');
    expect(payload).not.toHaveProperty('nonce');
  });

  it('are not issued without the openid scope', async () => {
    const { tokens } = await exchange({ scope: 'profile email' });
    expect(tokens).not.toHaveProperty('id_token');
  });

  it('come again on refresh with the original auth_time and without the nonce (§12.2)', async () => {
    const { tokens } = await exchange({ nonce: 'first-nonce' });
    const first = (await verifyIdToken(tokens.id_token ?? '')).payload;
    const response = await tokenRequest(h, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    const refreshed = (await response.json()) as Tokens;
    const { payload } = await verifyIdToken(refreshed.id_token ?? '');
    expect(payload).toMatchObject({ sub: first.sub, aud: first.aud, auth_time: first.auth_time });
    expect(payload).not.toHaveProperty('nonce');
    expect(payload.at_hash).toBe(atHash(refreshed.access_token));
    expect(decodeProtectedHeader(refreshed.id_token ?? '').kid).toBe(
      decodeProtectedHeader(refreshed.access_token).kid,
    );
  });
});

describe('authentication request parameters (§3.1.2.1)', () => {
  function params(overrides: Record<string, string>) {
    return authorizeUrl({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      state: 'st',
      scope: 'openid',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      ...overrides,
    });
  }

  async function redirectedError(overrides: Record<string, string>) {
    const response = await h.request(params(overrides));
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    return location.searchParams.get('error');
  }

  it('answers prompt=none with login_required at the redirect URI: there is no session', async () => {
    expect(await redirectedError({ prompt: 'none' })).toBe('login_required');
  });

  it.each([
    [{ prompt: 'none login' }, 'invalid_request'],
    [{ prompt: 'sometimes' }, 'invalid_request'],
    [{ max_age: '-1' }, 'invalid_request'],
    [{ max_age: 'soon' }, 'invalid_request'],
    [{ nonce: 'n'.repeat(513) }, 'invalid_request'],
    [{ request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
    [{ request_uri: 'https://rp.example/request.jwt' }, 'request_uri_not_supported'],
  ])('answers %j with %s', async (overrides, error) => {
    expect(await redirectedError(overrides)).toBe(error);
  });

  it('signs the agent in for prompt=login, consent, select_account and any max_age', async () => {
    const cases: Record<string, string>[] = [
      { prompt: 'login' },
      { prompt: 'login consent select_account' },
      { max_age: '0' },
    ];
    for (const overrides of cases) {
      const response = await h.request(params(overrides));
      expect(response.status).toBe(200);
    }
    const { tokens } = await exchange({ max_age: '0', prompt: 'login' });
    expect((await verifyIdToken(tokens.id_token ?? '')).payload.auth_time).toEqual(
      expect.any(Number),
    );
  });
});
