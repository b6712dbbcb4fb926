import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/storage/pg-driver.js';
import { ConsoleBrowser, signUp } from './support/console.js';
import { asSuperuser } from './support/database.js';
import {
  authenticateAgent,
  authorizeUrl,
  basicAuth,
  obtainTokens,
  pkcePair,
  startAuthorization,
  type Tokens,
} from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';
import { type OwnPostgres, ownPostgres } from './support/own-postgres.js';
import { createSignInWorld } from './support/sign-in-world.js';

// The server against a PostgreSQL server of this test's own, which it stops and freezes
// (docs/operations-runtime.md, "Database outages").
const TIMEOUTS = { connectMs: 1_000, queryMs: 1_500, keepAliveDelayMs: 1_000 };
/** The longest a request may take while the database is silent: the client timeout and a margin. */
const SILENT_BOUND_MS = TIMEOUTS.connectMs + TIMEOUTS.queryMs + 1_000 + 2_000;

const METRICS = 'metrics-token-for-the-outage-test';

let pgServer: OwnPostgres;
let h: Harness;
let client: ClientFixture;
let agent: AgentFixture;
let tokens: Tokens;
let consoleBrowser: ConsoleBrowser;
let requestId: string;
/** Has the log-in form loaded (its CSRF token), and posts it during the outage. */
let loginBrowser: ConsoleBrowser;

beforeAll(async () => {
  pgServer = await ownPostgres();
  const driver = await openPostgres(pgServer.url, 4, undefined, TIMEOUTS);
  ({ h, client, agent } = await createSignInWorld({
    env: { READINESS_TIMEOUT_MS: '500', METRICS_TOKEN: METRICS },
    db: {
      driver,
      url: pgServer.url,
      async dispose() {
        await driver.close();
        pgServer.dispose();
      },
    },
  }));
  tokens = await obtainTokens(h, client, agent);
  consoleBrowser = (await signUp(h)).browser;
  requestId = (await startAuthorization(h, client)).requestId;
  loginBrowser = new ConsoleBrowser(h);
  await loginBrowser.get('/console/login');
}, 120_000);
afterAll(() => h?.dispose());

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields).toString(),
});

/** One request of each kind that needs the database, and whether a browser sees it as a page. */
function requestsNeedingTheDatabase(): {
  name: string;
  page: boolean;
  send(): Promise<Response>;
}[] {
  const basic = { authorization: basicAuth(client) };
  return [
    {
      name: 'refresh',
      page: false,
      send: () =>
        h.request(
          '/token',
          form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, basic),
        ),
    },
    {
      name: 'introspect',
      page: false,
      send: () => h.request('/introspect', form({ token: tokens.access_token }, basic)),
    },
    {
      name: 'revoke',
      page: false,
      send: () => h.request('/revoke', form({ token: 'not-a-token' }, basic)),
    },
    {
      name: 'userinfo',
      page: false,
      send: () =>
        h.request('/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } }),
    },
    {
      name: 'authorize',
      page: true,
      send: () =>
        h.request(
          authorizeUrl({
            response_type: 'code',
            client_id: client.client_id,
            redirect_uri: REDIRECT_URI,
            code_challenge: pkcePair().challenge,
            code_challenge_method: 'S256',
          }),
        ),
    },
    {
      name: 'agent authenticate',
      page: false,
      send: () => authenticateAgent(h, requestId, agent, 'm'),
    },
    {
      name: 'check status',
      page: false,
      send: () => h.request(`/api/check-status?request_id=${requestId}`),
    },
    {
      name: 'register',
      page: false,
      send: () =>
        h.request('/register', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            redirect_uris: ['https://app.example/cb'],
            token_endpoint_auth_method: 'none',
          }),
        }),
    },
    { name: 'readiness', page: false, send: () => h.request('/health/ready') },
    { name: 'console page', page: true, send: () => consoleBrowser.get('/console') },
    {
      name: 'console log-in',
      page: true,
      send: () => loginBrowser.post('/console/login', { email: 'a@b.example', password: 'x' }),
    },
  ];
}

/** 503 with Retry-After, as JSON (`temporarily_unavailable`) or as an HTML page: never a 500. */
async function expectUnavailable(name: string, page: boolean, response: Response) {
  const body = await response.text();
  expect({ name, status: response.status, body: response.status === 503 ? '' : body }).toEqual({
    name,
    status: 503,
    body: '',
  });
  expect(Number(response.headers.get('retry-after')), name).toBeGreaterThanOrEqual(1);
  if (page) {
    expect(response.headers.get('content-type'), name).toMatch(/text\/html/);
    expect(body, name).toMatch(/unavailable/i);
  } else if (name !== 'readiness') {
    expect(JSON.parse(body), name).toMatchObject({ error: 'temporarily_unavailable' });
  }
}

function scrape(): Promise<Response> {
  return h.request('/metrics', { headers: { authorization: `Bearer ${METRICS}` } });
}

async function metric(name: string): Promise<number> {
  const text = await (await scrape()).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

async function expectEverythingWorks() {
  const refreshed = await h.request(
    '/token',
    form(
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      { authorization: basicAuth(client) },
    ),
  );
  expect(refreshed.status).toBe(200);
  tokens = (await refreshed.json()) as Tokens;
  expect((await h.request('/health/ready')).status).toBe(200);
  expect((await consoleBrowser.get('/console')).status).toBe(200);
  const introspected = await h.request(
    '/introspect',
    form({ token: tokens.access_token }, { authorization: basicAuth(client) }),
  );
  expect(await introspected.json()).toMatchObject({ active: true });
  expect(await metric('auth_agent_database_up')).toBe(1);
}

function logLines(event: string): number {
  return h.logs.filter((line) => line.includes(`"security_event":"${event}"`)).length;
}

describe('a database outage', () => {
  it('is answered 503 with Retry-After on every endpoint while PostgreSQL is stopped, and recovers by itself', async () => {
    await expectEverythingWorks();
    const before = logLines('database.unavailable');
    pgServer.stop();
    try {
      for (let round = 0; round < 2; round++)
        for (const request of requestsNeedingTheDatabase())
          await expectUnavailable(request.name, request.page, await request.send());
      // /metrics keeps answering, and shows the outage; liveness stays up.
      expect((await scrape()).status).toBe(200);
      expect(await metric('auth_agent_database_up')).toBe(0);
      expect(await metric('auth_agent_rate_limit_fallback')).toBe(0);
      expect((await h.request('/health')).status).toBe(200);
      // Once the key ring's set is stale (2 s), the JWKS still answers from the keys in hand
      // while their reload fails in the background; that failure is no error line.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect((await h.request('/.well-known/jwks.json')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      pgServer.start();
    }
    await expectEverythingWorks();
    // One log line (with its alert) for the outage, not one per failed request.
    expect(logLines('database.unavailable') - before).toBe(1);
    expect(h.logs.some((l) => l.includes('"rule":"database_unavailable"'))).toBe(true);
    expect(h.logs.filter((l) => /unhandled error|"level":50/.test(l))).toEqual([]);
    // The outage's events were kept and stored once the database was back.
    await h.ctx.security.flush();
    const stored = await asSuperuser<{ event: string }>(
      h.db.driver,
      "SELECT event FROM security_events WHERE event LIKE 'database.%' ORDER BY id",
    );
    expect(stored.map((r) => r.event)).toEqual(['database.unavailable', 'database.available']);
  }, 120_000);

  it('is answered 503 within the timeouts while PostgreSQL is frozen (SIGSTOP), and recovers on SIGCONT', async () => {
    await expectEverythingWorks();
    pgServer.signal('SIGSTOP');
    try {
      const started = Date.now();
      const requests = requestsNeedingTheDatabase();
      // All at once, more than the pool holds: the ones waiting for a connection time out too.
      const answers = await Promise.all(requests.map((r) => r.send()));
      const elapsed = Date.now() - started;
      for (const [i, response] of answers.entries()) {
        const request = requests[i];
        if (request) await expectUnavailable(request.name, request.page, response);
      }
      expect(elapsed).toBeLessThan(SILENT_BOUND_MS);
      const ready = Date.now();
      expect((await h.request('/health/ready')).status).toBe(503);
      expect(Date.now() - ready).toBeLessThan(1_500);
      const scraped = Date.now();
      expect(await metric('auth_agent_database_up')).toBe(0);
      expect(Date.now() - scraped).toBeLessThan(1_500);
    } finally {
      pgServer.signal('SIGCONT');
    }
    await expectEverythingWorks();
  }, 120_000);
});
