import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionAgent, provisionClient, provisionUser } from '../src/accounts/provisioning.js';
import { assertBuildIsFresh, HOOK_TIMEOUT, runCli } from './security-helpers.js';
import { backend, openTestDatabase, type TestDatabase } from './support/database.js';
import { authenticate, startAuthorization } from './support/flow.js';
import { type ClientFixture, type Harness, REDIRECT_URI } from './support/harness.js';

// Two real server processes on one PostgreSQL database and one Redis. Embedded PGlite
// admits a single process, so this runs on the postgres project only.
const PORTS = [18320, 18321];
const KEY_ENCRYPTION_KEY = 'multi-instance-key-Hq4tZ8vB2nX6mR1pW9cL3kJ7fD5sG0aY';
const SLOW = 60_000;

let db: TestDatabase;
let servers: ChildProcess[] = [];
let client: ClientFixture;
const env = () => ({
  PATH: process.env.PATH ?? '',
  HOST: '127.0.0.1',
  ISSUER: 'http://auth.test',
  DATABASE_URL: db.url ?? '',
  KEY_ENCRYPTION_KEY,
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_KEY_PREFIX: `aa-test-${randomBytes(6).toString('hex')}`,
  RATE_LIMITS: 'authenticate=100/6,introspect=6/100',
  LOCKOUT_MAX_FAILURES: '3',
  HOUSEKEEPING_INTERVAL: '0',
  LOG_LEVEL: 'warn',
  AUTH_AGENT_DATA_DIR: mkdtempSync(join(tmpdir(), 'auth-agent-mi-')),
});

/** A Harness-shaped view of one server process, for the flow helpers. */
const instance = (port: number) =>
  ({
    request: (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init),
  }) as Harness;
const [a, b] = PORTS.map(instance) as [Harness, Harness];

async function waitUntilUp(port: number) {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server on ${port} did not come up`);
}

async function attempt(server: Harness, agentId: string, secret: string) {
  const started = await startAuthorization(server, client);
  const response = await authenticate(server, {
    request_id: started.requestId,
    agent_id: agentId,
    agent_secret: secret,
    model: 'm',
  });
  return response.status;
}

describe.skipIf(backend !== 'postgres')('two instances sharing PostgreSQL and Redis', () => {
  beforeAll(async () => {
    const bin = assertBuildIsFresh();
    db = await openTestDatabase();
    const owner = await provisionUser(db.driver, {
      email: 'mi-owner@example.com',
      password: 'a-long-enough-password',
      admin: false,
      iterations: 100_000,
    });
    client = await provisionClient(db.driver, {
      ownerEmail: owner.email,
      name: 'Shared site',
      redirectUris: [REDIRECT_URI],
      public: false,
      iterations: 100_000,
    });
    const shared = env();
    servers = PORTS.map((port) =>
      spawn(process.execPath, [bin, 'serve'], {
        env: { ...shared, PORT: String(port) },
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    );
    await Promise.all(PORTS.map(waitUntilUp));
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (server.exitCode !== null) return resolve();
            server.once('exit', () => resolve());
            server.kill('SIGTERM');
          }),
      ),
    );
    await db?.dispose();
  }, HOOK_TIMEOUT);

  const newAgent = () =>
    provisionAgent(db.driver, {
      ownerEmail: 'mi-owner@example.com',
      userEmail: 'person@example.com',
      iterations: 100_000,
    });

  it(
    'shares lockout and per-identity limits: what one spends, the other sees',
    async () => {
      const agent = await newAgent();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push(await attempt(i % 2 ? b : a, agent.agent_id, 'wrong'));
      // Locked after 3 wrong secrets wherever they were tried; then the shared budget of 6
      // attempts per agent id per minute runs out on both servers.
      expect(statuses).toEqual([401, 401, 401, 403, 403, 403]);
      expect(await attempt(a, agent.agent_id, agent.agent_secret)).toBe(429);
      expect(await attempt(b, agent.agent_id, agent.agent_secret)).toBe(429);
    },
    SLOW,
  );

  it(
    'shares per-IP rate limits',
    async () => {
      const introspect = (server: Harness) =>
        server
          .request('/introspect', {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: `client_id=${client.client_id}-ip&client_secret=x&token=t`,
          })
          .then((r) => r.status);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await introspect(a), await introspect(b));
      expect(statuses.slice(0, 6).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(6)).toEqual([429, 429]);
    },
    SLOW,
  );

  it(
    'shares lockouts, and an unlock from the CLI frees the agent on both',
    async () => {
      const agent = await newAgent();
      expect(await attempt(a, agent.agent_id, 'wrong')).toBe(401);
      expect(await attempt(a, agent.agent_id, 'wrong')).toBe(401);
      expect(await attempt(b, agent.agent_id, 'wrong')).toBe(401);
      expect(await attempt(b, agent.agent_id, agent.agent_secret)).toBe(403);
      expect(await attempt(a, agent.agent_id, agent.agent_secret)).toBe(403);
      const unlock = await runCli(['agent', 'unlock', agent.agent_id], {
        DATABASE_URL: db.url ?? '',
      });
      expect(unlock.code).toBe(0);
      expect(JSON.parse(unlock.stdout)).toEqual({ unlocked: true });
      expect(await attempt(b, agent.agent_id, agent.agent_secret)).toBe(200);
    },
    SLOW,
  );

  it(
    'serves /metrics to loopback callers, but not to proxied ones, without a token',
    async () => {
      const direct = await a.request('/metrics');
      expect(direct.status).toBe(200);
      expect(await direct.text()).toMatch(/auth_agent_security_events_total/);
      const proxied = await a.request('/metrics', {
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(proxied.status).toBe(403);
    },
    SLOW,
  );
});
