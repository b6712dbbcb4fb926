import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authenticateAgent,
  checkStatus,
  startAuthorization,
  tokenRequest,
} from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  type Harness,
  ISSUER,
  REDIRECT_URI,
} from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

let h: Harness;
let client: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  ({ h, client, agent } = await createSignInWorld({
    agent: { email: 'person@example.com', name: 'Pat Person' },
  }));
});
afterAll(() => h.dispose());

describe('an agent signs in to a website, end to end', () => {
  it('goes from /authorize to tokens, userinfo, introspection, refresh and revocation', async () => {
    const started = await startAuthorization(h, client);
    expect(started.response.status).toBe(200);
    expect(started.html).toContain('Example Website');
    expect(started.html).toContain('AI agents');
    expect(started.html).toContain(`data-request-id="${started.requestId}"`);
    expect(started.html).toMatch(/window\.authRequest = Object\.freeze\(\{"request_id":"/);
    expect(started.requestId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.response.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(started.response.headers.get('set-cookie')).toMatch(/SameSite=Lax/i);

    expect(await checkStatus(h, started.requestId, started.cookie)).toMatchObject({
      status: 'pending',
    });

    const auth = await authenticateAgent(h, started.requestId, agent, 'claude-test');
    expect(auth.status).toBe(200);
    expect(await auth.json()).toMatchObject({ status: 'authenticated' });

    const stranger = await checkStatus(h, started.requestId);
    expect(stranger.status).toBe('authenticated');
    expect(stranger.code).toBeUndefined();
    expect(stranger.redirect_to).toBeUndefined();

    const bound = await checkStatus(h, started.requestId, started.cookie);
    const redirect = new URL(bound.redirect_to ?? '');
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('state')).toBe(started.state);
    expect(redirect.searchParams.get('iss')).toBe(ISSUER);
    const code = redirect.searchParams.get('code') ?? '';
    expect(bound.code).toBe(code);

    const tokenResponse = await tokenRequest(h, client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: started.verifier,
    });
    expect(tokenResponse.status).toBe(200);
    expect(tokenResponse.headers.get('cache-control')).toBe('no-store');
    const tokens = (await tokenResponse.json()) as Record<string, string | number>;
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid profile email',
    });

    const accessToken = String(tokens.access_token);
    expect(decodeProtectedHeader(accessToken)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({
      iss: ISSUER,
      sub: agent.agent_id,
      aud: client.client_id,
      client_id: client.client_id,
      scope: 'openid profile email',
      model: 'claude-test',
    });
    expect(typeof claims.jti).toBe('string');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);

    const userinfo = await h.request('/userinfo', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toEqual({
      sub: agent.agent_id,
      model: 'claude-test',
      email: 'person@example.com',
      email_verified: false,
      name: 'Pat Person',
    });
  });
});
