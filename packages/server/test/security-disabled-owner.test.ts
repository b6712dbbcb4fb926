import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_TIMEOUT } from './security-helpers.js';
import { privileged } from './support/console.js';
import { obtainTokens } from './support/flow.js';
import { createHarness, type Harness } from './support/harness.js';

// Finding 6 of the abuse review: disabling an owner stops everything they own at once. An
// access token is self-contained, so /userinfo must look at the owners behind its grant: the
// website's owner as well as the agent's (that one was already checked).
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function tokensOfFreshPair() {
  const websiteOwner = await h.createUser();
  const agentOwner = await h.createUser();
  const client = await h.createClient(websiteOwner.email);
  const agent = await h.createAgent(agentOwner.email);
  const tokens = await obtainTokens(h, client, agent);
  expect((await h.request('/userinfo', bearer(tokens.access_token))).status).toBe(200);
  return { tokens, websiteOwner };
}

describe('a disabled owner', () => {
  it("ends /userinfo for access tokens issued to the owner's websites", async () => {
    const { tokens, websiteOwner } = await tokensOfFreshPair();
    await privileged(h, 'UPDATE users SET disabled_at = now() WHERE id = $1', [websiteOwner.id]);
    const response = await h.request('/userinfo', bearer(tokens.access_token));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });
});
