import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainTokens, tokenRequest } from './support/flow.js';
import { type AgentFixture, type ClientFixture, type Harness, ISSUER } from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';
import { forgedToken } from './support/tokens.js';

let h: Harness;
let client: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  ({ h, client, agent } = await createSignInWorld({
    agent: { email: 'human@example.com', name: 'Human Name' },
  }));
});
afterAll(() => h.dispose());

describe('GET and POST /userinfo', () => {
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it('answers a missing token with bare Bearer and DPoP challenges (RFC 9449 §7.1)', async () => {
    const response = await h.request('/userinfo');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${ISSUER}", DPoP realm="${ISSUER}", algs="ES256 ES384 EdDSA Ed25519 PS256 RS256"`,
    );
  });

  it.each(['not-a-jwt', 'a.b.c', ''])(
    'answers an invalid token (%j) with invalid_token',
    async (token) => {
      const response = await h.request('/userinfo', bearer(token));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    },
  );

  it('answers an expired token with invalid_token', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const claims = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, number>;
    const expired = await forgedToken(h, {
      ...claims,
      iat: (claims.iat ?? 0) - 7200,
      exp: (claims.exp ?? 0) - 7200,
    });
    const response = await h.request('/userinfo', bearer(expired));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/invalid_token/);
  });

  it('returns claims filtered by scope', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const full = await h.request('/userinfo', bearer(tokens.access_token));
    expect(await full.json()).toEqual({
      sub: agent.agent_id,
      model: 'test-model-1',
      email: 'human@example.com',
      email_verified: false,
      name: 'Human Name',
    });
    expect(full.headers.get('cache-control')).toBe('no-store');

    const emailOnly = await tokenRequest(h, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      scope: 'openid email',
    });
    const emailTokens = (await emailOnly.json()) as Record<string, string>;
    expect(
      await (await h.request('/userinfo', bearer(emailTokens.access_token ?? ''))).json(),
    ).toEqual({
      sub: agent.agent_id,
      model: 'test-model-1',
      email: 'human@example.com',
      email_verified: false,
    });
    const profileOnly = await tokenRequest(h, client, {
      grant_type: 'refresh_token',
      refresh_token: emailTokens.refresh_token ?? '',
      scope: 'openid',
    });
    const openidTokens = (await profileOnly.json()) as Record<string, string>;
    expect(
      await (await h.request('/userinfo', bearer(openidTokens.access_token ?? ''))).json(),
    ).toEqual({ sub: agent.agent_id, model: 'test-model-1' });
  });

  it('accepts POST with the token in the Authorization header or a form body', async () => {
    const tokens = await obtainTokens(h, client, agent);
    expect(
      (await h.request('/userinfo', { method: 'POST', ...bearer(tokens.access_token) })).status,
    ).toBe(200);
    const viaForm = await h.request('/userinfo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: tokens.access_token }).toString(),
    });
    expect(viaForm.status).toBe(200);
  });
});
