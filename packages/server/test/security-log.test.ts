import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSecurityEvents, type SecurityEventFilter } from '../src/security/event-queries.js';
import { AccessTokens } from '../src/tokens/access-token.js';
import {
  ADMIN_PASSWORD,
  HOOK_TIMEOUT,
  type SecurityHarness,
  securityHarness,
} from './security-helpers.js';
import { authenticate, signIn, startAuthorization, tokenRequest } from './support/flow.js';
import { type AgentFixture, type ClientFixture, REDIRECT_URI } from './support/harness.js';
import { asUser } from './support/sessions.js';

let h: SecurityHarness;
let client: ClientFixture;
let agent: AgentFixture;
let owner: { id: string; email: string };
let other: { id: string; email: string };
/** Every secret value the flows below handle; none may appear in logs or the audit table. */
const secrets = new Set<string>();
let exchangeRequestId = '';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

beforeAll(async () => {
  h = await securityHarness();
  owner = await h.createUser();
  other = await h.createUser();
  client = await h.createClient(owner.email);
  agent = await h.createAgent(owner.email);
  secrets
    .add(agent.agent_secret)
    .add(client.client_secret ?? '')
    .add(ADMIN_PASSWORD);

  // Wrong secrets are secrets too (often a near miss of the right one).
  const started = await startAuthorization(h, client);
  secrets.add(started.requestId).add(started.cookie.split('=')[1] ?? '');
  const wrongAgentSecret = `${agent.agent_secret.slice(0, -4)}XXXX`;
  secrets.add(wrongAgentSecret);
  await authenticate(h, {
    request_id: started.requestId,
    agent_id: agent.agent_id,
    agent_secret: wrongAgentSecret,
    model: 'm',
  });
  const wrongClientSecret = `${client.client_secret}-wrong`;
  secrets.add(wrongClientSecret);
  await tokenRequest(
    h,
    { ...client, client_secret: wrongClientSecret },
    { grant_type: 'refresh_token', refresh_token: 'r'.repeat(43) },
  );

  // The full flow, a refresh, a refresh reuse, a code replay, introspection, revocation.
  const signedIn = await signIn(h, client, agent);
  secrets.add(signedIn.code).add(signedIn.verifier).add(signedIn.state);
  const exchange = await tokenRequest(h, client, {
    grant_type: 'authorization_code',
    code: signedIn.code,
    redirect_uri: REDIRECT_URI,
    code_verifier: signedIn.verifier,
  });
  exchangeRequestId = exchange.headers.get('x-request-id') ?? '';
  const tokens = (await exchange.json()) as Record<string, string>;
  secrets.add(tokens.access_token ?? '').add(tokens.refresh_token ?? '');
  await tokenRequest(h, client, {
    grant_type: 'authorization_code',
    code: signedIn.code,
    redirect_uri: REDIRECT_URI,
    code_verifier: signedIn.verifier,
  });

  const second = await signIn(h, client, agent);
  const secondTokens = (await (
    await tokenRequest(h, client, {
      grant_type: 'authorization_code',
      code: second.code,
      redirect_uri: REDIRECT_URI,
      code_verifier: second.verifier,
    })
  ).json()) as Record<string, string>;
  const refreshed = (await (
    await tokenRequest(h, client, {
      grant_type: 'refresh_token',
      refresh_token: secondTokens.refresh_token ?? '',
    })
  ).json()) as Record<string, string>;
  // Reuse once the successor was used (before that it would be a retry).
  await tokenRequest(h, client, {
    grant_type: 'refresh_token',
    refresh_token: refreshed.refresh_token ?? '',
  });
  await tokenRequest(h, client, {
    grant_type: 'refresh_token',
    refresh_token: secondTokens.refresh_token ?? '',
  });
  for (const value of [
    second.code,
    second.verifier,
    ...Object.values(secondTokens),
    ...Object.values(refreshed),
  ])
    if (typeof value === 'string' && value.length > 20) secrets.add(value);

  const auth = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
  await h.request('/introspect', {
    method: 'POST',
    headers: { ...form, authorization: auth },
    body: `token=${secondTokens.access_token}`,
  });
  await h.request('/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } });

  // A genuine token past its expiry: same keys, negative lifetime.
  const expiring = Object.assign(Object.create(AccessTokens.prototype), h.ctx.accessTokens, {
    ttlSeconds: -120,
  }) as AccessTokens;
  const expired = await expiring.issue({
    agentId: agent.agent_id,
    clientId: client.client_id,
    scope: 'openid',
    model: 'm',
    grantId: '00000000-0000-0000-0000-000000000000',
  });
  secrets.add(expired.token);
  await h.request('/userinfo', { headers: { authorization: `Bearer ${expired.token}` } });

  await h.request(
    '/authorize?response_type=code&client_id=' +
      client.client_id +
      '&redirect_uri=https://evil.example/cb&state=s&code_challenge=' +
      'a'.repeat(43) +
      '&code_challenge_method=S256',
  );
  await h.request('/revoke', {
    method: 'POST',
    headers: { ...form, authorization: auth },
    body: `token=${refreshed.refresh_token}`,
  });
  await h.request('/userinfo', { headers: { authorization: `Bearer ${refreshed.access_token}` } });
  secrets.delete('');
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

describe('the security log', () => {
  it('records every event class the flows produce, with outcome', async () => {
    const seen = new Set((await h.events()).map((e) => `${e.event}:${e.outcome}`));
    for (const expected of [
      'agent.authentication:failure',
      'agent.authentication:success',
      'client.authentication:failure',
      'client.authentication:success',
      'authorization_code.issued:success',
      'token.code_exchange:success',
      'token.code_reuse:denied',
      'token.refresh:success',
      'token.refresh_reuse:denied',
      'token.revoked:success',
      'token.revoked_use:denied',
      'token.expired_use:denied',
      'authorize.invalid_redirect_uri:denied',
    ])
      expect(seen).toContain(expected);
  });

  it('gives each entry time, actor, target, outcome and the request id sent in X-Request-Id', async () => {
    expect(exchangeRequestId).toMatch(/^req_/);
    const [entry] = (await h.events({ event: 'token.code_exchange' })).filter(
      (e) => e.requestId === exchangeRequestId,
    );
    expect(entry).toMatchObject({
      outcome: 'success',
      actorType: 'client',
      actorId: client.client_id,
      targetType: 'agent',
      targetId: agent.agent_id,
      ip: 'unknown',
    });
    expect(Date.now() - (entry?.occurredAt.getTime() ?? 0)).toBeLessThan(120_000);
    const logged = h.logs.filter((l) => l.includes(exchangeRequestId));
    expect(logged.some((l) => l.includes('"security_event":"token.code_exchange"'))).toBe(true);
    expect(logged.some((l) => l.includes('"msg":"request"'))).toBe(true);
  });

  it('shows owners the entries for their own objects, and admins all', async () => {
    const as = (userId: string, filter: SecurityEventFilter) =>
      asUser(h.db.driver, userId, (tx) => listSecurityEvents(tx, filter));
    const mine = await as(owner.id, { limit: 500 });
    const theirs = await as(other.id, { limit: 500 });
    const all = await as(h.adminId, { limit: 500 });
    expect(mine.length).toBeGreaterThan(10);
    expect(theirs).toEqual([]);
    expect(all.length).toBeGreaterThanOrEqual(mine.length);
    const filtered = await as(owner.id, {
      event: 'token.',
      outcome: 'denied',
    });
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((e) => e.event.startsWith('token.') && e.outcome === 'denied')).toBe(
      true,
    );
  });

  it('is append-only for the application', async () => {
    await expect(h.db.driver.query("UPDATE security_events SET outcome = 'info'")).rejects.toThrow(
      /permission denied/,
    );
    await expect(h.db.driver.query('DELETE FROM security_events')).rejects.toThrow(
      /permission denied/,
    );
    await expect(
      h.db.driver.query(
        "INSERT INTO security_events (event, outcome, actor_type) VALUES ('x.y', 'info', 'cli')",
      ),
    ).rejects.toThrow(/permission denied/);
    if (h.db.url) {
      // Even the schema owner cannot rewrite history without first dropping the trigger.
      const owner = new pg.Client({ connectionString: h.db.url });
      await owner.connect();
      try {
        await expect(owner.query('DELETE FROM security_events')).rejects.toThrow(/append-only/);
      } finally {
        await owner.end();
      }
    }
  });

  it('never contains a secret, password, token, code, verifier or request id', async () => {
    await h.ctx.security.flush();
    expect(secrets.size).toBeGreaterThan(15);
    const logText = h.logs.join('\n');
    const rows = await asUser(h.db.driver, h.adminId, (tx) =>
      tx.query<{ row: string }>('SELECT row_to_json(e)::text AS row FROM security_events e'),
    );
    const auditText = rows.map((r) => r.row).join('\n');
    expect(auditText.length).toBeGreaterThan(1000);
    for (const secret of secrets) {
      expect(logText.includes(secret), `log contains ${secret.slice(0, 6)}…`).toBe(false);
      expect(auditText.includes(secret), `audit table contains ${secret.slice(0, 6)}…`).toBe(false);
    }
  });
});
