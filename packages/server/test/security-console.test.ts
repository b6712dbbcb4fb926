import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/crypto/digest.js';
import { purgeExpired } from '../src/operations/housekeeping.js';
import {
  ADMIN_PASSWORD,
  HOOK_TIMEOUT,
  type SecurityHarness,
  securityHarness,
} from './security-helpers.js';
import { ConsoleBrowser, privileged } from './support/console.js';
import { asSuperuser } from './support/database.js';
import { authenticate, obtainTokens, startAuthorization } from './support/flow.js';
import type { AgentFixture, ClientFixture } from './support/harness.js';

let h: SecurityHarness;
let owner: { id: string; email: string; password: string };
let other: { id: string; email: string; password: string };
let client: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  h = await securityHarness({ LOCKOUT_MAX_FAILURES: '2' });
  owner = await h.createUser();
  other = await h.createUser();
  client = await h.createClient(owner.email);
  agent = await h.createAgent(owner.email);
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

/** A browser logged in to the console as this user. */
async function loggedIn(email: string, password: string): Promise<ConsoleBrowser> {
  const browser = new ConsoleBrowser(h);
  await browser.get('/console/login');
  const response = await browser.post('/console/login', { email, password });
  expect(response.status).toBe(303);
  return browser;
}

describe('the console security-log page', () => {
  it('shows an owner their entries, filtered, and nothing of others', async () => {
    const mine = await loggedIn(owner.email, owner.password);
    const page = await mine.get('/console/security?event=agent.authentication&outcome=failure');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    expect(mine.lastHtml).toContain(agent.agent_id);
    expect(mine.lastHtml).toContain('aria-current="page"'); // inside the console's navigation
    expect(mine.lastHtml.match(/<tr>/g)?.length).toBe(1 + 2);

    const stranger = await loggedIn(other.email, other.password);
    const theirs = await stranger.get('/console/security/events');
    const json = (await theirs.json()) as { events: { targetId: string | null }[] };
    // Only their own log-in; nothing about the owner's agent.
    expect(json.events.map((e) => e.targetId)).toEqual([other.id]);
    const admin = await loggedIn((await adminEmail()) ?? '', ADMIN_PASSWORD);
    const all = (await (
      await admin.get(`/console/security/events?subject=${agent.agent_id}`)
    ).json()) as {
      events: { targetId: string }[];
    };
    expect(all.events.length).toBeGreaterThanOrEqual(3);
    expect((await new ConsoleBrowser(h).get('/console/security')).status).toBe(303);
  });

  it("unlocks from the page's own form, for the owner only", async () => {
    const signInStatus = async () => {
      const started = await startAuthorization(h, client);
      const response = await authenticate(h, {
        request_id: started.requestId,
        agent_id: agent.agent_id,
        agent_secret: agent.agent_secret,
        model: 'm',
      });
      return response.status;
    };
    expect(await signInStatus()).toBe(403); // locked by the two wrong secrets
    const stranger = await loggedIn(other.email, other.password);
    await stranger.get('/console/security');
    const refused = await stranger.post('/console/security/unlock', {
      subject: 'agent',
      id: agent.agent_id,
    });
    expect(refused.headers.get('location')).toBe('/console/security?done=not-yours');
    expect(await signInStatus()).toBe(403);

    const mine = await loggedIn(owner.email, owner.password);
    await mine.get('/console/security');
    const forged = await mine.post(
      '/console/security/unlock',
      { subject: 'agent', id: agent.agent_id },
      { csrf: 'forged' },
    );
    expect(forged.status).toBe(403);
    const unlocked = await mine.post('/console/security/unlock', {
      subject: 'agent',
      id: agent.agent_id,
    });
    expect(unlocked.status).toBe(303);
    expect(unlocked.headers.get('location')).toBe('/console/security?done=unlocked');
    expect(await signInStatus()).toBe(200);
    await mine.get('/console/security');
    const again = await mine.post('/console/security/unlock', {
      subject: 'agent',
      id: agent.agent_id,
    });
    expect(again.headers.get('location')).toBe('/console/security?done=not-locked');
  });
});

async function adminEmail(): Promise<string | undefined> {
  const [row] = await privileged<{ email: string }>(h, 'SELECT email FROM users WHERE id = $1', [
    h.adminId,
  ]);
  return row?.email;
}

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

  it('purges DPoP proofs whose window closed and keys withdrawn over a week ago', async () => {
    await asSchemaOwner(
      `INSERT INTO dpop_proofs (proof_hash, expires_at)
       VALUES ('closed', now() - interval '1 second'), ('open', now() + interval '5 minutes')`,
    );
    await asSchemaOwner(
      `INSERT INTO signing_keys (kid, alg, public_jwk, wrapped_key, withdraw_at)
       VALUES ('withdrawn-long-ago', 'ES256', '{}', 'sealed', now() - interval '8 days'),
              ('withdrawn-lately', 'ES256', '{}', 'sealed', now() - interval '6 days')`,
    );
    expect(await purgeExpired(h.db.driver)).toMatchObject({ dpop_proofs: 1, signing_keys: 1 });
    const left = await asSuperuser<{ id: string }>(
      h.db.driver,
      `SELECT proof_hash AS id FROM dpop_proofs UNION ALL
       SELECT kid FROM signing_keys WHERE kid LIKE 'withdrawn%'`,
    );
    expect(left.map((row) => row.id).sort()).toEqual(['open', 'withdrawn-lately']);
  });
});
