import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, obtainTokens, tokenRequest } from './support/flow.js';
import { type AgentFixture, type ClientFixture, type Harness, ISSUER } from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';
import { forgedToken } from './support/tokens.js';

let h: Harness;
let client: ClientFixture;
let otherClient: ClientFixture;
let publicClient: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  let owner: { email: string };
  ({ h, owner, client, agent } = await createSignInWorld({
    agent: { email: 'human@example.com', name: 'Human Name' },
  }));
  otherClient = await h.createClient(owner.email, { name: 'Other' });
  publicClient = await h.createClient(owner.email, { public: true });
});
afterAll(() => h.dispose());

function form(path: string, body: Record<string, string>, auth?: ClientFixture) {
  return h.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(auth ? { authorization: basicAuth(auth) } : {}),
    },
    body: new URLSearchParams(body).toString(),
  });
}

async function introspect(token: string, as: ClientFixture = client, hint?: string) {
  const response = await form(
    '/introspect',
    { token, ...(hint ? { token_type_hint: hint } : {}) },
    as,
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return (await response.json()) as Record<string, unknown>;
}

describe('POST /introspect (RFC 7662)', () => {
  it('requires client authentication', async () => {
    const tokens = await obtainTokens(h, client, agent);
    expect((await form('/introspect', { token: tokens.access_token })).status).toBe(401);
    expect(
      (
        await form(
          '/introspect',
          { token: tokens.access_token },
          { ...client, client_secret: 'wrong' },
        )
      ).status,
    ).toBe(401);
  });

  it('does not serve public clients', async () => {
    const response = await form('/introspect', { token: 'x', client_id: publicClient.client_id });
    expect(response.status).toBe(401);
  });

  it('describes an active access token', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const body = await introspect(tokens.access_token);
    expect(body).toMatchObject({
      active: true,
      token_type: 'Bearer',
      sub: agent.agent_id,
      client_id: client.client_id,
      scope: 'openid profile email',
      model: 'test-model-1',
      iss: ISSUER,
    });
    expect(typeof body.exp).toBe('number');
    expect(typeof body.iat).toBe('number');
  });

  it('describes an active refresh token, with or without the hint', async () => {
    const tokens = await obtainTokens(h, client, agent);
    expect(await introspect(tokens.refresh_token, client, 'refresh_token')).toMatchObject({
      active: true,
      sub: agent.agent_id,
      client_id: client.client_id,
    });
    expect(await introspect(tokens.refresh_token)).toMatchObject({
      active: true,
      token_type: 'refresh_token',
    });
    expect(await introspect(tokens.access_token, client, 'refresh_token')).toMatchObject({
      active: true,
      token_type: 'Bearer',
    });
  });

  it("reports another client's tokens as inactive", async () => {
    const tokens = await obtainTokens(h, client, agent);
    expect(await introspect(tokens.access_token, otherClient)).toEqual({ active: false });
    expect(await introspect(tokens.refresh_token, otherClient)).toEqual({ active: false });
  });

  it('reports malformed, forged, expired and wrongly typed tokens as inactive', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const claims = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      'garbage',
      'a.b.c',
      `${tokens.access_token}x`,
      // Another key under the server's kid; an HMAC "signed" with a guessable key under it.
      await forgedToken(h, claims, { key: (await generateKeyPair('ES256')).privateKey }),
      await forgedToken(h, claims, { alg: 'HS256', key: new TextEncoder().encode('x'.repeat(32)) }),
      await forgedToken(h, { ...claims, iat: now - 7200, exp: now - 3600 }),
      await forgedToken(h, claims, { typ: 'JWT' }),
      await forgedToken(h, { ...claims, iss: 'https://evil.example' }),
    ];
    // The server's key itself signs the same claims into an active token: each case above
    // is refused for the one thing it changes.
    expect(await introspect(await forgedToken(h, claims))).toMatchObject({ active: true });
    for (const token of cases) expect(await introspect(token)).toEqual({ active: false });
  });

  it('requires the token parameter', async () => {
    const response = await form('/introspect', {}, client);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('POST /revoke (RFC 7009)', () => {
  it('requires client authentication', async () => {
    const tokens = await obtainTokens(h, client, agent);
    expect((await form('/revoke', { token: tokens.refresh_token })).status).toBe(401);
    expect((await introspect(tokens.refresh_token)).active).toBe(true);
  });

  it('revokes an access token', async () => {
    const tokens = await obtainTokens(h, client, agent);
    expect(
      (
        await form(
          '/revoke',
          { token: tokens.access_token, token_type_hint: 'access_token' },
          client,
        )
      ).status,
    ).toBe(200);
    expect((await introspect(tokens.access_token)).active).toBe(false);
    const userinfo = await h.request('/userinfo', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(401);
    expect((await introspect(tokens.refresh_token)).active).toBe(true);
  });

  it('revokes the whole family with a refresh token', async () => {
    const tokens = await obtainTokens(h, client, agent);
    expect((await form('/revoke', { token: tokens.refresh_token }, client)).status).toBe(200);
    expect((await introspect(tokens.refresh_token)).active).toBe(false);
    expect((await introspect(tokens.access_token)).active).toBe(false);
    const refresh = await tokenRequest(h, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    expect(refresh.status).toBe(400);
  });

  it("answers 200 for unknown tokens and for another client's tokens, revoking nothing", async () => {
    const tokens = await obtainTokens(h, client, agent);
    expect((await form('/revoke', { token: 'unknown-token' }, client)).status).toBe(200);
    expect((await form('/revoke', { token: tokens.refresh_token }, otherClient)).status).toBe(200);
    expect((await form('/revoke', { token: tokens.access_token }, otherClient)).status).toBe(200);
    expect((await introspect(tokens.refresh_token)).active).toBe(true);
    expect((await introspect(tokens.access_token)).active).toBe(true);
  });

  it('lets a public client revoke its own refresh token by client_id', async () => {
    const tokens = await obtainTokens(h, publicClient, agent);
    expect(
      (await form('/revoke', { token: tokens.refresh_token, client_id: publicClient.client_id }))
        .status,
    ).toBe(200);
    const refresh = await tokenRequest(h, undefined, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: publicClient.client_id,
    });
    expect(refresh.status).toBe(400);
  });

  it('requires the token parameter and a form body', async () => {
    expect((await form('/revoke', {}, client)).status).toBe(400);
    const json = await h.request('/revoke', {
      method: 'POST',
      headers: { authorization: basicAuth(client), 'content-type': 'application/json' },
      body: '{"token":"x"}',
    });
    expect(json.status).toBe(415);
  });
});
