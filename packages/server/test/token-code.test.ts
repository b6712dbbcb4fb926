import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSuperuser } from './support/database.js';
import { basicAuth, introspectActive, obtainTokens, signIn, tokenRequest } from './support/flow.js';
import type { AgentFixture, ClientFixture, Harness } from './support/harness.js';
import { codeParams, createTokenWorld, expectTokenError } from './support/token-world.js';

// Redeeming an authorization code at POST /token (token-refresh.test.ts: refresh tokens).
let h: Harness;
let client: ClientFixture;
let otherClient: ClientFixture;
let publicClient: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  ({ h, client, otherClient, publicClient, agent } = await createTokenWorld());
});
afterAll(() => h.dispose());

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
    await expectTokenError(response, 401, 'invalid_client');
  });

  it('refuses a confidential client without its secret', async () => {
    const { code, verifier } = await signIn(h, client, agent);
    const response = await tokenRequest(
      h,
      undefined,
      codeParams(code, verifier, { client_id: client.client_id }),
    );
    await expectTokenError(response, 401, 'invalid_client');
  });

  it('answers a wrong Basic secret with 401 and a Basic challenge', async () => {
    const { code, verifier } = await signIn(h, client, agent);
    const response = await tokenRequest(
      h,
      { ...client, client_secret: 'aa_cs_wrong' },
      codeParams(code, verifier),
    );
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    await expectTokenError(response, 401, 'invalid_client');
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
    await expectTokenError(response, 400, 'invalid_request');
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
    await expectTokenError(response, 400, error);
  });

  it('burns the code after a failed PKCE check', async () => {
    const { code, verifier } = await signIn(h, client, agent);
    await tokenRequest(h, client, codeParams(code, 'x'.repeat(43)));
    await expectTokenError(
      await tokenRequest(h, client, codeParams(code, verifier)),
      400,
      'invalid_grant',
    );
  });

  it("does not let another client redeem or burn a client's code", async () => {
    const { code, verifier } = await signIn(h, client, agent);
    await expectTokenError(
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
    await expectTokenError(
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
    expect(await introspectActive(h, client, first.access_token ?? '')).toBe(true);
    await expectTokenError(
      await tokenRequest(h, client, codeParams(code, verifier)),
      400,
      'invalid_grant',
    );
    expect(await introspectActive(h, client, first.access_token ?? '')).toBe(false);
    const refresh = await tokenRequest(h, client, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token ?? '',
    });
    await expectTokenError(refresh, 400, 'invalid_grant');
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
