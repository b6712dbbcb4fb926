import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromIp, HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';
import { authenticate, startAuthorization } from './support/flow.js';
import type { AgentFixture, ClientFixture } from './support/harness.js';

let h: SecurityHarness;
let client: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  h = await securityHarness({
    TRUST_PROXY: '1',
    RATE_LIMITS: 'authenticate=5/3,introspect=4/100,check_status=100/4',
  });
  const owner = await h.createUser();
  client = await h.createClient(owner.email);
  agent = await h.createAgent(owner.email);
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

const body = (requestId: string, agentId: string) => ({
  request_id: requestId,
  agent_id: agentId,
  agent_secret: 'wrong-secret',
  model: 'm',
});

function introspect(ip: string, clientId: string) {
  return h.request(
    '/introspect',
    fromIp(ip, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, client_secret: 'x', token: 't' }).toString(),
    }),
  );
}

describe('rate limits', () => {
  it('answers a burst past the per-IP budget with 429, Retry-After and an OAuth error', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 7; i++) {
      const response = await introspect('203.0.113.7', `client-burst-${i}`);
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429, 429]);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited?.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited?.headers.get('content-type')).toMatch(/application\/json/);
    expect(await limited?.json()).toMatchObject({ error: 'rate_limited' });
    // Another address still has its own budget.
    expect((await introspect('203.0.113.8', 'client-other')).status).toBe(401);
  });

  it('limits one identity across many addresses', async () => {
    const started = await startAuthorization(h, client);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await h.request(
        '/api/agent/authenticate',
        fromIp(`192.0.2.${i + 10}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body(started.requestId, agent.agent_id)),
        }),
      );
      statuses.push(response.status);
    }
    // Per-identity budget 3: the 4th failure on this agent is answered 429 whatever its address.
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // A different agent id from the same addresses is not affected.
    const another = await startAuthorization(h, client);
    expect((await authenticate(h, body(another.requestId, 'someone-else'))).status).toBe(401);
  });

  it('limits polling of one sign-in request even from changing addresses', async () => {
    const started = await startAuthorization(h, client);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await h.request(
        `/api/check-status?request_id=${started.requestId}`,
        fromIp(`198.51.100.${i + 1}`),
      );
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('records the first rejection of a key per window as a security event, not every one', async () => {
    const events = await h.events({ event: 'rate_limit.exceeded' });
    const introspectHits = events.filter((e) => e.details.limit === 'introspect');
    expect(introspectHits).toHaveLength(1);
    expect(introspectHits[0]).toMatchObject({ outcome: 'denied', ip: '203.0.113.7' });
  });
});

describe('X-Forwarded-For', () => {
  it(
    'is ignored without TRUST_PROXY: every request counts against the socket address',
    async () => {
      const plain = await securityHarness({ RATE_LIMITS: 'introspect=2/100' });
      try {
        const call = (ip: string) =>
          plain.request(
            '/introspect',
            fromIp(ip, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: 'client_id=c1&client_secret=x&token=t',
            }),
          );
        expect((await call('192.0.2.1')).status).toBe(401);
        expect((await call('192.0.2.2')).status).toBe(401);
        // A forged, fresh address does not buy a fresh budget.
        expect((await call('192.0.2.3')).status).toBe(429);
      } finally {
        await plain.dispose();
      }
    },
    HOOK_TIMEOUT,
  );
});
