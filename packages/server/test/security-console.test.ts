import { Hono } from 'hono';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/crypto/digest.js';
import { securityConsoleRoutes } from '../src/security/console-routes.js';
import { purgeExpired } from '../src/security/housekeeping.js';
import { HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';
import { authenticate, obtainTokens, startAuthorization } from './support/flow.js';
import type { AgentFixture, ClientFixture } from './support/harness.js';

let h: SecurityHarness;
let console_: Hono;
let owner: { id: string; email: string };
let other: { id: string; email: string };
let client: ClientFixture;
let agent: AgentFixture;
const CSRF = 'csrf-token-of-this-session';

beforeAll(async () => {
  h = await securityHarness({ LOCKOUT_MAX_FAILURES: '2' });
  owner = await h.createUser();
  other = await h.createUser();
  client = await h.createClient(owner.email);
  agent = await h.createAgent(owner.email);
  // Mounted as the console would: its session decides who is signed in (here a header).
  const users: Record<string, { id: string; role: 'user' | 'admin' }> = {
    owner: { id: owner.id, role: 'user' },
    other: { id: other.id, role: 'user' },
    admin: { id: h.adminId, role: 'admin' },
  };
  console_ = new Hono();
  console_.route(
    '/console/security',
    securityConsoleRoutes(h.ctx, {
      currentUser: async (c) => users[c.req.header('x-test-user') ?? ''],
      csrfToken: () => CSRF,
      verifyCsrf: (_c, submitted) => submitted === CSRF,
    }),
  );
  for (let i = 0; i < 2; i++) {
    const started = await startAuthorization(h, client);
    await authenticate(h, {
      request_id: started.requestId,
      agent_id: agent.agent_id,
      agent_secret: 'wrong',
      model: 'm',
    });
  }
  await h.ctx.security.flush();
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

const as = (user: string, path: string, init: RequestInit = {}) =>
  console_.request(`http://auth.test/console/security${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), 'x-test-user': user },
  });

describe('the console security-log page', () => {
  it('shows an owner their entries, filtered, and nothing of others', async () => {
    const page = await as('owner', '?event=agent.authentication&outcome=failure');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    const html = await page.text();
    expect(html).toContain(agent.agent_id);
    expect(html.match(/<tr>/g)?.length).toBe(1 + 2);

    const json = (await (await as('other', '/events')).json()) as { events: unknown[] };
    expect(json.events).toEqual([]);
    const admin = (await (await as('admin', `/events?subject=${agent.agent_id}`)).json()) as {
      events: { targetId: string }[];
    };
    expect(admin.events.length).toBeGreaterThanOrEqual(3);
    expect((await as('nobody', '')).status).toBe(303);
  });

  it('unlocks for the owner with a valid CSRF token only', async () => {
    const unlock = (user: string, token: string) =>
      as(user, '/unlock', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'agent', id: agent.agent_id, csrf_token: token }),
      });
    expect((await unlock('owner', 'forged')).status).toBe(403);
    const stranger = await unlock('other', CSRF);
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toEqual({ outcome: 'not_found' });
    const ok = await unlock('owner', CSRF);
    expect(await ok.json()).toEqual({ outcome: 'unlocked' });

    const started = await startAuthorization(h, client);
    const signIn = await authenticate(h, {
      request_id: started.requestId,
      agent_id: agent.agent_id,
      agent_secret: agent.agent_secret,
      model: 'm',
    });
    expect(signIn.status).toBe(200);

    const form = await as('owner', '/unlock', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        subject: 'agent',
        id: agent.agent_id,
        csrf_token: CSRF,
      }).toString(),
    });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toMatch(/notice=.*was%20not%20locked/);
  });
});

/** Runs SQL as the schema owner (the app role may not touch these tables directly). */
async function asSchemaOwner(sql: string, params: unknown[] = []) {
  if (h.db.url) {
    const owner_ = new pg.Client({ connectionString: h.db.url });
    await owner_.connect();
    try {
      await owner_.query(sql, params);
    } finally {
      await owner_.end();
    }
    return;
  }
  // PGlite: the session user is the superuser; the server dropped to the app role with SET ROLE.
  await h.db.driver.transaction(async (tx) => {
    await tx.query('RESET ROLE');
    await tx.query(sql, params);
    await tx.query('SET ROLE auth_agent_app');
  });
}

describe('housekeeping', () => {
  it('purges expired requests, codes and tokens, keeping live ones', async () => {
    const stale = await obtainTokens(h, client, agent);
    const live = await obtainTokens(h, client, agent);
    await purgeExpired(h.db.driver);
    // Age the first sign-in by two months: its request, code, grant and refresh token.
    await asSchemaOwner(
      `WITH g AS (SELECT id, code_hash FROM grants WHERE id = (
         SELECT grant_id FROM refresh_tokens WHERE token_hash = $1)),
       c AS (UPDATE auth_codes SET expires_at = now() - interval '60 days'
             WHERE code_hash IN (SELECT code_hash FROM g) RETURNING request_hash),
       r AS (UPDATE auth_requests SET expires_at = now() - interval '60 days'
             WHERE request_hash IN (SELECT request_hash FROM c) RETURNING 1),
       t AS (UPDATE refresh_tokens SET expires_at = now() - interval '60 days'
             WHERE grant_id IN (SELECT id FROM g) RETURNING 1)
       UPDATE grants SET expires_at = now() - interval '60 days' WHERE id IN (SELECT id FROM g)`,
      [sha256(stale.refresh_token)],
    );
    const counts = await purgeExpired(h.db.driver);
    expect(counts).toMatchObject({ requests: 1, codes: 1, refresh_tokens: 1, grants: 1 });
    const introspect = (token: string) =>
      h.request('/introspect', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        },
        body: `token=${token}`,
      });
    expect(await (await introspect(stale.refresh_token)).json()).toEqual({ active: false });
    expect(await (await introspect(live.refresh_token)).json()).toMatchObject({ active: true });
    expect(await purgeExpired(h.db.driver)).toMatchObject({ requests: 0, codes: 0, grants: 0 });
  });
});
