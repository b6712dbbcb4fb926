import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privileged } from './support/console.js';
import { obtainTokens, tokenRequest } from './support/flow.js';
import type { AgentFixture, ClientFixture, Harness } from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

// oauth_rotate_refresh (05-oauth-grants.sql) checks the grant, the token and the agent in the
// one statement that records the use; only when that matches nothing is the reason looked
// up. Each refusal is named, and a refused refresh is no use of the grant.

let h: Harness;
let client: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  ({ h, client, agent } = await createSignInWorld());
});
afterAll(() => h.dispose());

async function grantOf(refreshToken: string): Promise<string> {
  const [row] = await privileged<{ grant_id: string }>(
    h,
    "SELECT grant_id FROM refresh_tokens WHERE token_hash = rtrim(translate(encode(sha256(convert_to($1, 'UTF8')), 'base64'), '+/', '-_'), '=')",
    [refreshToken],
  );
  if (!row) throw new Error('refresh token not stored');
  return row.grant_id;
}

async function lastUsed(grantId: string): Promise<number | undefined> {
  const [grant] = await privileged<{ last_used_at: Date | null }>(
    h,
    'SELECT last_used_at FROM grants WHERE id = $1',
    [grantId],
  );
  return grant?.last_used_at ? new Date(grant.last_used_at).getTime() : undefined;
}

async function refused(refreshToken: string, grantId: string, description: string) {
  const usedBefore = await lastUsed(grantId);
  const response = await tokenRequest(h, client, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({
    error: 'invalid_grant',
    error_description: description,
  });
  expect(await lastUsed(grantId)).toBe(usedBefore);
}

describe('a refresh that is refused', () => {
  it.each([
    {
      what: 'the grant was revoked',
      change: "UPDATE grants SET revoked_at = now(), revoke_reason = 'test' WHERE id = $1",
      description: 'The refresh token has been revoked.',
    },
    {
      what: 'the refresh token expired',
      change:
        "UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE grant_id = $1",
      description: 'The refresh token has expired.',
    },
    {
      what: 'the grant expired',
      change: "UPDATE grants SET expires_at = now() - interval '1 second' WHERE id = $1",
      description: 'The refresh token has expired.',
    },
  ])('says $what', async ({ change, description }) => {
    const tokens = await obtainTokens(h, client, agent);
    const grantId = await grantOf(tokens.refresh_token);
    await privileged(h, change, [grantId]);
    await refused(tokens.refresh_token, grantId, description);
  });

  it('says the agent is disabled, and works again once it is enabled', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const grantId = await grantOf(tokens.refresh_token);
    await privileged(h, 'UPDATE agents SET disabled_at = now() WHERE agent_id = $1', [
      agent.agent_id,
    ]);
    await refused(tokens.refresh_token, grantId, 'The agent or website is disabled.');
    await privileged(h, 'UPDATE agents SET disabled_at = NULL WHERE agent_id = $1', [
      agent.agent_id,
    ]);
    const fresh = await obtainTokens(h, client, agent);
    const freshGrant = await grantOf(fresh.refresh_token);
    const usedBefore = (await lastUsed(freshGrant)) ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ok = await tokenRequest(h, client, {
      grant_type: 'refresh_token',
      refresh_token: fresh.refresh_token,
    });
    expect(ok.status).toBe(200);
    expect(await lastUsed(freshGrant)).toBeGreaterThan(usedBefore);
  });
});
