import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashSecret } from '../src/crypto/pbkdf2.js';
import { randomToken } from '../src/crypto/random.js';
import { HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';
import { asSuperuser } from './support/database.js';
import { basicAuth, obtainTokens, signIn, tokenRequest } from './support/flow.js';
import type { AgentFixture, ClientFixture } from './support/harness.js';
import { REDIRECT_URI } from './support/harness.js';

// A secret this process has verified once is "remembered": the next grant runs in one
// database call that re-checks the row (006_single_round_trip.sql). These tests pin down that
// the shortcut is taken, and that rotation, disable, delete and lockout still act at once.

let h: SecurityHarness;
let owner: { id: string; email: string };

beforeAll(async () => {
  h = await securityHarness({ LOCKOUT_MAX_FAILURES: '3', LOCKOUT_DURATION: '60' });
  owner = await h.createUser();
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());
afterEach(() => vi.restoreAllMocks());

/** The statements the server sends while `work` runs, batched security-log writes aside. */
async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const original = h.ctx.db.query.bind(h.ctx.db);
  vi.spyOn(h.ctx.db, 'query').mockImplementation((text, params) => {
    if (!text.includes('security_log_append')) seen.push(text);
    return original(text, params);
  });
  await work();
  vi.restoreAllMocks();
  return seen;
}

/** The server's SQL function a statement calls. */
const functionCalled = (text: string) => /\b((?:oauth|security)_\w+)\(/.exec(text)?.[1] ?? text;

const refresh = (client: ClientFixture, token: string) =>
  tokenRequest(h, client, { grant_type: 'refresh_token', refresh_token: token });

const introspect = (client: ClientFixture, token: string) =>
  h.request('/introspect', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(client),
    },
    body: new URLSearchParams({ token }).toString(),
  });

async function setClientSecret(client: ClientFixture): Promise<ClientFixture> {
  const secret = randomToken(32);
  // Only the hash: the trigger in 006 must bump secret_version by itself.
  await asSuperuser(h.db.driver, 'UPDATE clients SET secret_hash = $2 WHERE client_id = $1', [
    client.client_id,
    await hashSecret(secret, h.ctx.config.pbkdf2Iterations),
  ]);
  return { ...client, client_secret: secret };
}

async function fresh(): Promise<{ client: ClientFixture; agent: AgentFixture }> {
  return { client: await h.createClient(owner.email), agent: await h.createAgent(owner.email) };
}

describe('a remembered secret takes one database call', () => {
  it('for a refresh, an introspection and an agent sign-in', async () => {
    const { client, agent } = await fresh();
    const tokens = await obtainTokens(h, client, agent); // verifies both secrets in full
    let next = '';
    const onRefresh = await statementsDuring(async () => {
      const response = await refresh(client, tokens.refresh_token);
      expect(response.status).toBe(200);
      next = ((await response.json()) as { refresh_token: string }).refresh_token;
    });
    expect(onRefresh).toEqual([expect.stringContaining('oauth_rotate_refresh')]);

    const onIntrospect = await statementsDuring(async () => {
      const response = await introspect(client, tokens.access_token);
      expect(await response.json()).toMatchObject({ active: true, sub: agent.agent_id });
    });
    expect(onIntrospect).toEqual([expect.stringContaining('oauth_introspect')]);

    const onSignIn = await statementsDuring(() => signIn(h, client, agent));
    // /authorize, the agent's back channel, then the browser's check-status.
    expect(onSignIn.map(functionCalled)).toEqual([
      'oauth_create_request',
      'oauth_complete_request',
      'oauth_request_status',
    ]);
    expect(next).not.toBe('');
  });

  it('and an agent not verified before takes one call before its PBKDF2 check', async () => {
    const { client, agent } = await fresh();
    const onSignIn = await statementsDuring(() => signIn(h, client, agent));
    expect(onSignIn.map(functionCalled)).toEqual([
      'oauth_create_request',
      'oauth_sign_in_begin',
      'oauth_complete_request',
      'oauth_request_status',
    ]);
  });

  it('and records the client authentication like the full path', async () => {
    const { client, agent } = await fresh();
    const tokens = await obtainTokens(h, client, agent);
    const before = (await h.events({ event: 'client.authentication' })).filter(
      (e) => e.actorId === client.client_id && e.outcome === 'success',
    ).length;
    await introspect(client, tokens.access_token);
    const after = (await h.events({ event: 'client.authentication' })).filter(
      (e) => e.actorId === client.client_id && e.outcome === 'success',
    ).length;
    expect(after).toBe(before + 1);
  });
});

describe('every change still takes effect at once', () => {
  it('a rotated client secret: the old one is refused and the refresh token is not spent', async () => {
    const { client, agent } = await fresh();
    const tokens = await obtainTokens(h, client, agent);
    expect((await introspect(client, tokens.access_token)).status).toBe(200);
    const rotated = await setClientSecret(client);
    const stale = await refresh(client, tokens.refresh_token);
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ error: 'invalid_client' });
    expect((await introspect(client, tokens.access_token)).status).toBe(401);
    const withNew = await refresh(rotated, tokens.refresh_token);
    expect(withNew.status).toBe(200);
  });

  it('a disabled client or owner is refused on introspection and refresh', async () => {
    const { client, agent } = await fresh();
    const tokens = await obtainTokens(h, client, agent);
    expect((await introspect(client, tokens.access_token)).status).toBe(200);
    await asSuperuser(h.db.driver, 'UPDATE clients SET disabled_at = now() WHERE client_id = $1', [
      client.client_id,
    ]);
    expect((await introspect(client, tokens.access_token)).status).toBe(401);
    expect((await refresh(client, tokens.refresh_token)).status).toBe(401);
    await asSuperuser(h.db.driver, 'UPDATE clients SET disabled_at = NULL WHERE client_id = $1', [
      client.client_id,
    ]);
    expect((await refresh(client, tokens.refresh_token)).status).toBe(200);
  });

  it('a deleted client is refused', async () => {
    const { client, agent } = await fresh();
    const tokens = await obtainTokens(h, client, agent);
    expect((await introspect(client, tokens.access_token)).status).toBe(200);
    await asSuperuser(h.db.driver, 'DELETE FROM clients WHERE client_id = $1', [client.client_id]);
    expect((await introspect(client, tokens.access_token)).status).toBe(401);
  });

  it('a locked client is refused even with its remembered secret', async () => {
    const { client, agent } = await fresh();
    const tokens = await obtainTokens(h, client, agent);
    expect((await introspect(client, tokens.access_token)).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await introspect({ ...client, client_secret: 'wrong' }, 'x')).status).toBe(401);
    const locked = await refresh(client, tokens.refresh_token);
    expect(locked.status).toBe(401);
    expect(await locked.json()).toMatchObject({
      error_description: expect.stringMatching(/temporarily locked/),
    });
    expect((await introspect(client, tokens.access_token)).status).toBe(401);
  });

  it('a code exchange by a changed client consumes nothing', async () => {
    const { client, agent } = await fresh();
    await obtainTokens(h, client, agent);
    const signedIn = await signIn(h, client, agent);
    const rotated = await setClientSecret(client);
    const exchange = (c: ClientFixture) =>
      tokenRequest(h, c, {
        grant_type: 'authorization_code',
        code: signedIn.code,
        redirect_uri: REDIRECT_URI,
        code_verifier: signedIn.verifier,
      });
    expect((await exchange(client)).status).toBe(401);
    expect((await exchange(rotated)).status).toBe(200);
  });

  it('a disabled agent, or an agent whose secret was rotated, cannot sign in', async () => {
    const { client, agent } = await fresh();
    await signIn(h, client, agent);
    await asSuperuser(h.db.driver, 'UPDATE agents SET disabled_at = now() WHERE agent_id = $1', [
      agent.agent_id,
    ]);
    await expect(signIn(h, client, agent)).rejects.toThrow(/403/);
    await asSuperuser(h.db.driver, 'UPDATE agents SET disabled_at = NULL WHERE agent_id = $1', [
      agent.agent_id,
    ]);
    await signIn(h, client, agent);
    await asSuperuser(h.db.driver, 'UPDATE agents SET secret_hash = $2 WHERE agent_id = $1', [
      agent.agent_id,
      await hashSecret(randomToken(32), h.ctx.config.pbkdf2Iterations),
    ]);
    await expect(signIn(h, client, agent)).rejects.toThrow(/401/);
  });
});
