import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSuperuser } from './support/database.js';
import { introspectActive, obtainTokens, tokenRequest } from './support/flow.js';
import type { AgentFixture, ClientFixture, Harness } from './support/harness.js';
import { createTokenWorld, expectTokenError } from './support/token-world.js';

// Refresh tokens at POST /token (token-code.test.ts: the authorization code they come from).
let h: Harness;
let client: ClientFixture;
let otherClient: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  ({ h, client, otherClient, agent } = await createTokenWorld());
});
afterAll(() => h.dispose());

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
    await expectTokenError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
    await expectTokenError(await refresh(third.refresh_token ?? ''), 400, 'invalid_grant');
    expect(await introspectActive(h, client, third.access_token ?? '')).toBe(false);
  });

  it('binds refresh tokens to their client', async () => {
    const tokens = await obtainTokens(h, client, agent);
    await expectTokenError(await refresh(tokens.refresh_token, otherClient), 400, 'invalid_grant');
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
    await expectTokenError(
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
    await expectTokenError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
  });

  it('refuses an unknown refresh token', async () => {
    await expectTokenError(await refresh('not-a-token'), 400, 'invalid_grant');
  });
});
