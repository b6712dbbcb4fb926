import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSuperuser } from './support/database.js';
import {
  authenticate,
  authenticateAgent,
  checkStatus,
  startAuthorization,
} from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  type Harness,
  ISSUER,
  REDIRECT_URI,
} from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

let h: Harness;
let client: ClientFixture;
let agent: AgentFixture;
let ownerEmail: string;

beforeAll(async () => {
  let owner: { email: string };
  ({ h, owner, client, agent } = await createSignInWorld());
  ownerEmail = owner.email;
});
afterAll(() => h.dispose());

describe('POST /api/agent/authenticate', () => {
  it('gives an unknown agent and a wrong secret the same answer', async () => {
    const started = await startAuthorization(h, client);
    const unknown = await authenticate(h, {
      request_id: started.requestId,
      agent_id: 'agent_does_not_exist',
      agent_secret: 'aa_sk_guess',
      model: 'm',
    });
    const wrong = await authenticate(h, {
      request_id: started.requestId,
      agent_id: agent.agent_id,
      agent_secret: 'aa_sk_guess',
      model: 'm',
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());
  });

  it('takes similar time for an unknown agent and a wrong secret', async () => {
    const time = async (agentId: string) => {
      const started = await startAuthorization(h, client);
      const t0 = performance.now();
      await authenticate(h, {
        request_id: started.requestId,
        agent_id: agentId,
        agent_secret: 'aa_sk_wrong',
        model: 'm',
      });
      return performance.now() - t0;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 5; i++) {
      unknown.push(await time(`agent_missing_${i}`));
      wrong.push(await time(agent.agent_id));
    }
    // Both paths run one full PBKDF2 derivation; a missing decoy would make "unknown" near-instant.
    expect(median(unknown)).toBeGreaterThan(median(wrong) / 3);
    expect(median(unknown)).toBeLessThan(median(wrong) * 3);
  });

  it('completes a request only once', async () => {
    const started = await startAuthorization(h, client);
    expect((await authenticateAgent(h, started.requestId, agent)).status).toBe(200);
    const again = await authenticateAgent(h, started.requestId, agent);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/already/),
    });
  });

  it('lets exactly one of several concurrent agents win a request', async () => {
    const started = await startAuthorization(h, client);
    const others = await Promise.all([
      h.createAgent(ownerEmail),
      h.createAgent(ownerEmail),
      h.createAgent(ownerEmail),
    ]);
    const results = await Promise.all(
      [agent, ...others].map((a) => authenticateAgent(h, started.requestId, a)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const [row] = await asSuperuser<{ n: number }>(
      h.db.driver,
      'SELECT count(*)::int AS n FROM auth_codes',
    );
    expect(row?.n).toBeGreaterThan(0);
  });

  it('refuses an expired request', async () => {
    const started = await startAuthorization(h, client);
    await asSuperuser(
      h.db.driver,
      "UPDATE auth_requests SET expires_at = now() - interval '1 second' WHERE status = 'pending'",
    );
    const response = await authenticateAgent(h, started.requestId, agent);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error_description: expect.stringMatching(/expired/),
    });
    expect(await checkStatus(h, started.requestId, started.cookie)).toMatchObject({
      status: 'expired',
    });
  });

  it('refuses a disabled agent even with the right secret', async () => {
    const disabled = await h.createAgent(ownerEmail);
    await asSuperuser(h.db.driver, 'UPDATE agents SET disabled_at = now() WHERE agent_id = $1', [
      disabled.agent_id,
    ]);
    const started = await startAuthorization(h, client);
    const response = await authenticateAgent(h, started.requestId, disabled);
    expect(response.status).toBe(403);
    expect(await checkStatus(h, started.requestId, started.cookie)).toMatchObject({
      status: 'pending',
    });
  });

  it('denies a request after too many wrong secrets and sends the browser back with access_denied', async () => {
    const started = await startAuthorization(h, client);
    for (let i = 0; i < 5; i++) {
      await authenticate(h, {
        request_id: started.requestId,
        agent_id: agent.agent_id,
        agent_secret: `wrong-${i}`,
        model: 'm',
      });
    }
    const late = await authenticateAgent(h, started.requestId, agent);
    expect(late.status).toBe(403);
    const status = await checkStatus(h, started.requestId, started.cookie);
    expect(status.status).toBe('denied');
    const redirect = new URL(status.redirect_to ?? '');
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe(started.state);
    expect(redirect.searchParams.get('iss')).toBe(ISSUER);
  });

  it('refuses an unknown request id', async () => {
    const response = await authenticateAgent(h, 'not-a-request', agent);
    expect(response.status).toBe(400);
  });

  describe('bad input', () => {
    const cases: Array<[string, RequestInit]> = [
      ['no content type', { method: 'POST', body: '{}' }],
      ['text/plain', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }],
      [
        'broken JSON',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"request_id": ',
        },
      ],
      [
        'a JSON array',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,2]' },
      ],
      [
        'JSON null',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'null' },
      ],
      [
        'a number where a string belongs',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"request_id":1,"agent_id":"a","agent_secret":"b","model":"m"}',
        },
      ],
      [
        'a nested object',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"request_id":{"$ne":""},"agent_id":"a","agent_secret":"b","model":"m"}',
        },
      ],
      [
        'missing fields',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"request_id":"x"}',
        },
      ],
      [
        'an oversized body',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ request_id: 'x'.repeat(200_000) }),
        },
      ],
      [
        'SQL metacharacters',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            request_id: "'; DROP TABLE agents; --",
            agent_id: "' OR 1=1 --",
            agent_secret: 'x',
            model: 'm',
          }),
        },
      ],
      [
        'unicode and control characters',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            request_id: '🚀\u202e',
            agent_id: 'агент',
            agent_secret: '\u0001',
            model: 'm\u0007',
          }),
        },
      ],
      [
        'a NUL byte',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            request_id: 'a\u0000b',
            agent_id: 'a',
            agent_secret: 'b',
            model: 'm',
          }),
        },
      ],
    ];
    it.each(cases)('answers %s with a 4xx JSON error', async (_name, init) => {
      const response = await h.request('/api/agent/authenticate', init);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      const body = (await response.json()) as Record<string, string>;
      expect(typeof body.error).toBe('string');
      expect(JSON.stringify(body)).not.toMatch(/\.ts:\d+|\.js:\d+|DROP TABLE/);
    });

    it('still has its agents after the SQL metacharacter attempts', async () => {
      const [row] = await asSuperuser<{ n: number }>(
        h.db.driver,
        'SELECT count(*)::int AS n FROM agents',
      );
      expect(row?.n).toBeGreaterThan(0);
    });
  });
});

describe('GET /api/check-status', () => {
  it('requires a request_id and rejects unknown ones', async () => {
    expect((await h.request('/api/check-status')).status).toBe(400);
    expect((await h.request('/api/check-status?request_id=nope')).status).toBe(404);
  });

  it('gives the code only to the bound browser, not to another browser with its own binding', async () => {
    const started = await startAuthorization(h, client);
    const other = await startAuthorization(h, client);
    await authenticateAgent(h, started.requestId, agent);
    const foreign = await checkStatus(h, started.requestId, other.cookie);
    expect(foreign.status).toBe('authenticated');
    expect(foreign.code).toBeUndefined();
    const forged = await checkStatus(h, started.requestId, `auth_agent_browser=${'A'.repeat(43)}`);
    expect(forged.code).toBeUndefined();
    const bound = await checkStatus(h, started.requestId, started.cookie);
    expect(bound.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(bound.redirect_uri).toBe(REDIRECT_URI);
    expect(bound.state).toBe(started.state);
  });
});
