import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';
import { backend } from './support/database.js';
import { authenticate, obtainTokens, startAuthorization } from './support/flow.js';
import type { AgentFixture, ClientFixture } from './support/harness.js';

// One port per backend: the two vitest projects run side by side.
const PORT = backend === 'postgres' ? 18311 : 18310;
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

interface Delivery {
  body: Record<string, unknown>;
  status: number;
}

let h: SecurityHarness;
let receiver: Server;
const deliveries: Delivery[] = [];
/** Status codes the receiver answers with, in order; then 204. */
const plannedStatuses: number[] = [];
let hold: Promise<void> | undefined;
let client: ClientFixture;
let agent: AgentFixture;

function receive(req: IncomingMessage, res: ServerResponse) {
  let text = '';
  req.on('data', (chunk) => {
    text += chunk;
  });
  req.on('end', async () => {
    if (hold) await hold;
    const status = plannedStatuses.shift() ?? 204;
    deliveries.push({ body: JSON.parse(text) as Record<string, unknown>, status });
    res.writeHead(status).end();
  });
}

async function waitFor<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  receiver = createServer(receive);
  await new Promise<void>((resolve) => receiver.listen(PORT, '127.0.0.1', resolve));
  h = await securityHarness({
    ALERT_WEBHOOK_URL: `http://127.0.0.1:${PORT}/hook`,
    ALERT_FAILED_AUTH_PER_MINUTE: '3',
    METRICS_TOKEN,
  });
  const owner = await h.createUser();
  client = await h.createClient(owner.email);
  agent = await h.createAgent(owner.email);
}, HOOK_TIMEOUT);
afterAll(async () => {
  await h.dispose();
  await new Promise((resolve) => receiver.close(resolve));
});

const failedSignIn = async () => {
  const started = await startAuthorization(h, client);
  return authenticate(h, {
    request_id: started.requestId,
    agent_id: agent.agent_id,
    agent_secret: 'wrong',
    model: 'm',
  });
};
const alertsNamed = (name: string) => deliveries.filter((d) => d.body.alert === name);

describe('alerts', () => {
  it('fire once the failed-authentication threshold is crossed, retrying the webhook', async () => {
    plannedStatuses.push(500);
    for (let i = 0; i < 3; i++) expect((await failedSignIn()).status).toBe(401);
    await h.ctx.security.flush();
    expect(alertsNamed('failed_authentication_spike')).toHaveLength(0);

    expect((await failedSignIn()).status).toBe(401);
    await h.ctx.security.flush();
    const [refused, delivered] = alertsNamed('failed_authentication_spike');
    expect(refused?.status).toBe(500);
    expect(delivered?.status).toBe(204);
    expect(delivered?.body).toMatchObject({
      alert: 'failed_authentication_spike',
      threshold: 3,
      count: 4,
      window_seconds: 60,
      trigger: { event: 'agent.authentication', outcome: 'failure', target_id: agent.agent_id },
    });

    // Once per window: the fifth failure does not page again.
    await failedSignIn();
    await h.ctx.security.flush();
    expect(alertsNamed('failed_authentication_spike')).toHaveLength(2);
    const fired = await h.events({ event: 'alert.fired' });
    expect(fired.filter((e) => e.targetId === 'failed_authentication_spike')).toHaveLength(1);
  });

  it('fire on any invalid redirect URI, without waiting for the webhook', async () => {
    let release = () => {};
    hold = new Promise((resolve) => {
      release = resolve;
    });
    const response = await h.request(
      `/authorize?client_id=${client.client_id}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&response_type=code&state=s`,
    );
    // The request is answered while the receiver still holds the alert delivery open.
    expect(response.status).toBe(400);
    expect(alertsNamed('invalid_redirect_uri')).toHaveLength(0);
    release();
    hold = undefined;
    const delivery = await waitFor(() => alertsNamed('invalid_redirect_uri')[0]);
    expect(delivery.body).toMatchObject({
      threshold: 0,
      count: 1,
      trigger: { event: 'authorize.invalid_redirect_uri', target_id: client.client_id },
    });
  });

  it('fire on an RLS violation reported by the console', async () => {
    h.ctx.security.rlsViolation(
      { userId: h.adminId, targetType: 'agent', targetId: 'agent_x' },
      undefined,
    );
    await h.ctx.security.flush();
    const [delivery] = alertsNamed('rls_violation');
    expect(delivery?.body).toMatchObject({ trigger: { event: 'rls.violation_attempt' } });
  });
});

describe('GET /metrics', () => {
  it('needs the METRICS_TOKEN', async () => {
    expect((await h.request('/metrics')).status).toBe(401);
    const wrong = await h.request('/metrics', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('counts events, times routes and reports active grants', async () => {
    await obtainTokens(h, client, agent);
    await h.ctx.security.flush();
    const response = await h.request('/metrics', {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(text).toMatch(
      /auth_agent_security_events_total\{event="agent\.authentication",outcome="failure"\} 5\n/,
    );
    expect(text).toMatch(
      /auth_agent_security_events_total\{event="token\.code_exchange",outcome="success"\} 1\n/,
    );
    expect(text).toMatch(
      /auth_agent_security_events_total\{event="lockout\.locked",outcome="denied"\} 0\n/,
    );
    expect(text).toMatch(
      /auth_agent_security_events_total\{event="alert\.fired",outcome="alert"\} 3\n/,
    );
    expect(text).toMatch(
      /auth_agent_http_request_duration_seconds_count\{method="POST",route="\/token",status="200"\} 1\n/,
    );
    expect(text).toMatch(/auth_agent_active_grants 1\n/);
  });

  it(
    'without a token, answers loopback callers only',
    async () => {
      const open = await securityHarness();
      try {
        // In-process requests have no socket address, so they are not loopback.
        const response = await open.request('/metrics');
        expect(response.status).toBe(403);
        expect(await response.json()).toMatchObject({ error: 'access_denied' });
      } finally {
        await open.dispose();
      }
    },
    HOOK_TIMEOUT,
  );
});
