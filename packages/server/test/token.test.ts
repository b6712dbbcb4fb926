import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSuperuser } from './support/database.js';
import { basicAuth, obtainTokens, signIn, tokenRequest } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

let h: Harness;
let client: ClientFixture;
let otherClient: ClientFixture;
let publicClient: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  let owner: { email: string };
  ({ h, owner, client, agent } = await createSignInWorld());
  otherClient = await h.createClient(owner.email, { name: 'Other Website' });
  publicClient = await h.createClient(owner.email, { public: true, name: 'Public SPA' });
});
afterAll(() => h.dispose());

function codeParams(code: string, verifier: string, extra: Record<string, string> = {}) {
  return {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    ...extra,
  };
}

async function introspect(token: string, as: ClientFixture = client) {
  const response = await h.request('/introspect', {
    method: 'POST',
    headers: { authorization: basicAuth(as), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  return (await response.json()) as { active: boolean };
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await response.json()).toMatchObject({ error, error_description: expect.any(String) });
}

describe('POST /token with authorization_code', () => {
  it('accepts client_secret_post in a form body', async () => {
    const { code, verifier } = await signIn(h, client, agent);
    const response = await tokenRequest(
      h,
      undefined,
      codeParams(code, verifier, {
        client_id: client.client_id,
        client_secret: client.client_secret ?? '',
      }),
    );
    expect(response.status).toBe(200);
  });

  it('accepts a JSON body for older SDKs', async () => {
    const { code, verifier } = await signIn(h, client, agent);
    const response = await h.request('/token', {
      method: 'POST',
      headers: { authorization: basicAuth(client), 'content-type': 'application/json' },
      body: JSON.stringify(codeParams(code, verifier)),
    });
    expect(response.status).toBe(200);
  });

  it('lets a public client redeem with PKCE and no secret', async () => {
    const tokens = await obtainTokens(h, publicClient, agent);
    expect(tokens.token_type).toBe('Bearer');
  });

  it('refuses a public client that presents a secret', async () => {
    const { code, verifier } = await signIn(h, publicClient, agent);
    const response = await tokenRequest(
      h,
      undefined,
      codeParams(code, verifier, { client_id: publicClient.client_id, client_secret: 'anything' }),
    );
    await expectError(response, 401, 'invalid_client');
  });

  it('refuses a confidential client without its secret', async () => {
    const { code, verifier } = await signIn(h, client, agent);
    const response = await tokenRequest(
      h,
      undefined,
      codeParams(code, verifier, { client_id: client.client_id }),
    );
    await expectError(response, 401, 'invalid_client');
  });

  it('answers a wrong Basic secret with 401 and a Basic challenge', async () => {
    const { code, verifier } = await signIn(h, client, agent);
    const response = await tokenRequest(
      h,
      { ...client, client_secret: 'aa_cs_wrong' },
      codeParams(code, verifier),
    );
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    await expectError(response, 401, 'invalid_client');
  });

  it('refuses two client authentication methods at once', async () => {
    const response = await h.request('/token', {
      method: 'POST',
      headers: {
        authorization: basicAuth(client),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_secret: 'x',
      }).toString(),
    });
    await expectError(response, 400, 'invalid_request');
  });

  it.each([
    [
      'a wrong verifier',
      (v: string) => ({ code_verifier: `${v.slice(0, -1)}${v.endsWith('A') ? 'B' : 'A'}` }),
      'invalid_grant',
    ],
    ['a short verifier', () => ({ code_verifier: 'short' }), 'invalid_request'],
    [
      'a verifier with forbidden characters',
      () => ({ code_verifier: `${'a'.repeat(42)}!` }),
      'invalid_request',
    ],
    [
      'a different redirect_uri',
      () => ({ redirect_uri: 'http://localhost:3000/other' }),
      'invalid_grant',
    ],
    ['no redirect_uri', () => ({ redirect_uri: '' }), 'invalid_request'],
    ['no verifier', () => ({ code_verifier: '' }), 'invalid_request'],
  ])('refuses %s', async (_name, change, error) => {
    const { code, verifier } = await signIn(h, client, agent);
    const response = await tokenRequest(h, client, {
      ...codeParams(code, verifier),
      ...change(verifier),
    });
    await expectError(response, 400, error);
  });

  it('burns the code after a failed PKCE check', async () => {
    const { code, verifier } = await signIn(h, client, agent);
    await tokenRequest(h, client, codeParams(code, 'x'.repeat(43)));
    await expectError(
      await tokenRequest(h, client, codeParams(code, verifier)),
      400,
      'invalid_grant',
    );
  });

  it("does not let another client redeem or burn a client's code", async () => {
    const { code, verifier } = await signIn(h, client, agent);
    await expectError(
      await tokenRequest(h, otherClient, codeParams(code, verifier)),
      400,
      'invalid_grant',
    );
    expect((await tokenRequest(h, client, codeParams(code, verifier))).status).toBe(200);
  });

  it('refuses an expired code', async () => {
    const { code, verifier } = await signIn(h, client, agent);
    await asSuperuser(
      h.db.driver,
      "UPDATE auth_codes SET expires_at = now() - interval '1 second' WHERE consumed_at IS NULL",
    );
    await expectError(
      await tokenRequest(h, client, codeParams(code, verifier)),
      400,
      'invalid_grant',
    );
  });

  it('revokes every token issued from a code when the code is replayed', async () => {
    const { code, verifier } = await signIn(h, client, agent);
    const first = (await (
      await tokenRequest(h, client, codeParams(code, verifier))
    ).json()) as Record<string, string>;
    expect((await introspect(first.access_token ?? '')).active).toBe(true);
    await expectError(
      await tokenRequest(h, client, codeParams(code, verifier)),
      400,
      'invalid_grant',
    );
    expect((await introspect(first.access_token ?? '')).active).toBe(false);
    const refresh = await tokenRequest(h, client, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token ?? '',
    });
    await expectError(refresh, 400, 'invalid_grant');
  });

  it('gives exactly one success when one code is redeemed concurrently', async () => {
    const { code, verifier } = await signIn(h, client, agent);
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => tokenRequest(h, client, codeParams(code, verifier))),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(7);
    const [row] = await asSuperuser<{ n: number }>(
      h.db.driver,
      'SELECT count(*)::int AS n FROM grants WHERE code_hash = (SELECT code_hash FROM auth_codes ORDER BY created_at DESC LIMIT 1)',
    );
    expect(row?.n).toBe(1);
  });
});

describe('POST /token with refresh_token', () => {
  const refresh = (token: string, as: ClientFixture = client, extra: Record<string, string> = {}) =>
    tokenRequest(h, as, { grant_type: 'refresh_token', refresh_token: token, ...extra });

  it('rotates the refresh token on every use', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const response = await refresh(tokens.refresh_token);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const next = (await response.json()) as Record<string, string | number>;
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(next).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid profile email',
    });
    expect((await refresh(String(next.refresh_token))).status).toBe(200);
  });

  // A second use while the successor is unused is a retry (refresh-retry.test.ts).
  it('revokes the whole family when a rotated token is reused', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const next = (await (await refresh(tokens.refresh_token)).json()) as Record<string, string>;
    const third = (await (await refresh(next.refresh_token ?? '')).json()) as Record<
      string,
      string
    >;
    await expectError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
    await expectError(await refresh(third.refresh_token ?? ''), 400, 'invalid_grant');
    expect((await introspect(third.access_token ?? '')).active).toBe(false);
  });

  it('binds refresh tokens to their client', async () => {
    const tokens = await obtainTokens(h, client, agent);
    await expectError(await refresh(tokens.refresh_token, otherClient), 400, 'invalid_grant');
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });

  it('gives exactly one successor when one refresh token is used concurrently', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => refresh(tokens.refresh_token)),
    );
    const successors = await Promise.all(
      responses
        .filter((r) => r.status === 200)
        .map(async (r) => ((await r.json()) as Record<string, string>).refresh_token),
    );
    expect(successors.length).toBeGreaterThan(0);
    expect(new Set(successors).size).toBe(1);
  });

  it('may narrow the scope but never widen it', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const narrowed = await refresh(tokens.refresh_token, client, { scope: 'openid' });
    expect(narrowed.status).toBe(200);
    const body = (await narrowed.json()) as Record<string, string>;
    expect(body.scope).toBe('openid');
    await expectError(
      await refresh(body.refresh_token ?? '', client, { scope: 'openid unknown' }),
      400,
      'invalid_scope',
    );
  });

  it('refuses a refresh for a disabled agent', async () => {
    const owner = await h.createUser();
    const soonDisabled = await h.createAgent(owner.email);
    const tokens = await obtainTokens(h, client, soonDisabled);
    await asSuperuser(h.db.driver, 'UPDATE agents SET disabled_at = now() WHERE agent_id = $1', [
      soonDisabled.agent_id,
    ]);
    await expectError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
  });

  it('refuses an unknown refresh token', async () => {
    await expectError(await refresh('not-a-token'), 400, 'invalid_grant');
  });
});

describe('POST /token bad input', () => {
  it.each([
    [
      'no grant_type',
      { body: 'code=x', type: 'application/x-www-form-urlencoded' },
      400,
      'invalid_request',
    ],
    [
      'an unknown grant_type',
      { body: 'grant_type=password', type: 'application/x-www-form-urlencoded' },
      400,
      'unsupported_grant_type',
    ],
    [
      'a repeated parameter',
      {
        body: 'grant_type=refresh_token&grant_type=refresh_token',
        type: 'application/x-www-form-urlencoded',
      },
      400,
      'invalid_request',
    ],
    [
      'text/plain',
      { body: 'grant_type=refresh_token', type: 'text/plain' },
      415,
      'unsupported_media_type',
    ],
    ['broken JSON', { body: '{"grant_type":', type: 'application/json' }, 400, 'invalid_request'],
    [
      'a JSON number',
      { body: '{"grant_type":5}', type: 'application/json' },
      400,
      'invalid_request',
    ],
    [
      'SQL metacharacters',
      {
        body: "grant_type=refresh_token&refresh_token='+OR+1=1--",
        type: 'application/x-www-form-urlencoded',
      },
      400,
      'invalid_grant',
    ],
    [
      'unicode',
      {
        body: `grant_type=refresh_token&refresh_token=${encodeURIComponent('🔑токен')}`,
        type: 'application/x-www-form-urlencoded',
      },
      400,
      'invalid_grant',
    ],
    [
      'an oversized parameter',
      {
        body: `grant_type=refresh_token&refresh_token=${'a'.repeat(5000)}`,
        type: 'application/x-www-form-urlencoded',
      },
      400,
      'invalid_request',
    ],
  ])('answers %s with a 4xx OAuth error', async (_name, input, status, error) => {
    const response = await h.request('/token', {
      method: 'POST',
      headers: { authorization: basicAuth(client), 'content-type': input.type },
      body: input.body,
    });
    await expectError(response, status, error);
  });

  it('answers GET with 405', async () => {
    expect((await h.request('/token')).status).toBe(405);
  });
});
