import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_TIMEOUT, type SecurityHarness, securityWorld } from './security-helpers.js';
import { ConsoleBrowser, consoleLogin } from './support/console.js';
import { basicAuth, obtainTokens, tokenRequest } from './support/flow.js';
import type { AgentFixture, ClientFixture, HttpTarget } from './support/harness.js';

/**
 * The request a security event belongs to (address, user agent, request id) is passed down
 * explicitly from the HTTP layer (request-info.ts), not read from anything process-wide.
 * Attacked as it would break: many callers at once, each from its own address, whose
 * requests interleave in the server; every event must name the request that caused it.
 */
let h: SecurityHarness;
let client: ClientFixture;
let agent: AgentFixture;

interface Caller {
  ip: string;
  userAgent: string;
  /** Every X-Request-Id this caller sent. */
  requestIds: Set<string>;
}

/** `h`, with every request sent from `caller` (TRUST_PROXY: X-Forwarded-For is believed). */
function from(caller: Caller): HttpTarget {
  let sent = 0;
  return {
    request(path: string, init: RequestInit = {}) {
      const requestId = `origin.${caller.ip}.${sent++}`;
      caller.requestIds.add(requestId);
      const headers = {
        ...(init.headers as Record<string, string> | undefined),
        'x-forwarded-for': caller.ip,
        'x-request-id': requestId,
        'user-agent': caller.userAgent,
      };
      return h.request(path, { ...init, headers });
    },
  };
}

/** What one caller does: a sign-in, the exchange, a refresh, a wrong secret, a revocation. */
async function work(target: HttpTarget): Promise<void> {
  const tokens = await obtainTokens(target, client, agent);
  const refreshed = await tokenRequest(target, client, {
    grant_type: 'refresh_token',
    refresh_token: tokens.refresh_token,
  });
  expect(refreshed.status).toBe(200);
  const wrong = await tokenRequest(
    target,
    { ...client, client_secret: `${client.client_secret}-wrong` },
    { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
  );
  expect(wrong.status).toBe(401);
  const revoke = await target.request('/revoke', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(client),
    },
    body: new URLSearchParams({ token: tokens.access_token }).toString(),
  });
  expect(revoke.status).toBe(200);
  const stale = await target.request('/userinfo', {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  expect(stale.status).toBe(401);
}

/** The events one caller's work causes: its agent's and website's, then its console's. */
const EXPECTED = [
  'agent.authentication:success',
  'authorization_code.issued:success',
  'client.authentication:success',
  'client.authentication:failure',
  'token.code_exchange:success',
  'token.refresh:success',
  'token.revoked:success',
  'token.revoked_use:denied',
  'user.authentication:failure',
  'user.authentication:success',
  'owner.action:success',
];

/** An owner in the console: a wrong password, the log-in, then a new agent. */
async function consoleWork(target: HttpTarget, owner: { email: string; password: string }) {
  const refused = await consoleLogin(target, owner.email, `${owner.password}-wrong`);
  expect(refused.status).not.toBe(303);
  const browser = new ConsoleBrowser(target);
  await browser.get('/console/login');
  const login = await browser.post('/console/login', owner);
  expect(login.status).toBe(303);
  await browser.get('/console/agents/new');
  const created = await browser.post('/console/agents', {
    label: 'Helper',
    user_email: owner.email,
    user_name: 'Pat',
  });
  expect(created.status).toBe(303);
}

beforeAll(async () => {
  ({ h, client, agent } = await securityWorld({ TRUST_PROXY: '1' }));
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

describe('the request an event belongs to', () => {
  it('is named on every event, also with many callers from different addresses at once', async () => {
    const callers: Caller[] = Array.from({ length: 12 }, (_, i) => ({
      ip: `203.0.113.${i + 1}`,
      userAgent: `origin-test-agent/${i + 1}`,
      requestIds: new Set<string>(),
    }));
    const owners = await Promise.all(callers.map(() => h.createUser()));
    await Promise.all(
      callers.map(async (caller, i) => {
        const target = from(caller);
        await Promise.all([work(target), consoleWork(target, owners[i] as (typeof owners)[0])]);
      }),
    );

    const events = (await h.events()).filter((e) => e.requestId?.startsWith('origin.'));
    for (const caller of callers) {
      const own = events.filter((e) => e.requestId && caller.requestIds.has(e.requestId));
      // Each kind of event this caller's work causes names this caller's request.
      const names = new Set(own.map((e) => `${e.event}:${e.outcome}`));
      expect([...EXPECTED].filter((name) => !names.has(name))).toEqual([]);
      expect(own.every((e) => e.ip === caller.ip && e.userAgent === caller.userAgent)).toBe(true);
    }
    // No event of these requests went unclaimed or to a caller other than its sender.
    const claimed = events.filter((e) => callers.some((c) => c.requestIds.has(e.requestId ?? '')));
    expect(claimed).toHaveLength(events.length);
  });
});
