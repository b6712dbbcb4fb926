import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pbkdf2 from '../src/crypto/pbkdf2.js';
import { fromIp, HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';
import { ConsoleBrowser, signUp } from './support/console.js';
import { basicAuth, obtainTokens } from './support/flow.js';
import type { AgentFixture, ClientFixture } from './support/harness.js';

// Finding 2 of the abuse review: every unknown client_id cost a full decoy PBKDF2 on an
// unbounded queue, so one address could stall every password check for seconds. Now the
// work is bounded per source, for decoys and overall, and what does not fit is refused at
// once with 503 and Retry-After; a principal with a remembered proof derives nothing and is
// served while the queue is full.
let h: SecurityHarness;
let owner: { email: string };
let agent: AgentFixture;
let busyWebsite: ClientFixture;
let tokens: { refresh_token: string };

beforeAll(async () => {
  h = await securityHarness({ TRUST_PROXY: '1', PBKDF2_PER_SOURCE: '4', PBKDF2_DECOYS: '16' });
  owner = await h.createUser();
  agent = await h.createAgent(owner.email);
  busyWebsite = await h.createClient(owner.email);
  tokens = await obtainTokens(h, busyWebsite, agent);
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

function post(path: string, ip: string, client: ClientFixture, params: Record<string, string>) {
  return h.request(
    path,
    fromIp(ip, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(client),
      },
      body: new URLSearchParams(params).toString(),
    }),
  );
}

const stranger = (n: number): ClientFixture => ({
  client_id: `made-up-client-${n}`,
  client_secret: 'guess',
  redirect_uris: [],
});

async function expectOverloaded(response: Response) {
  expect(response.status).toBe(503);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
}

describe('password hashing under a flood', () => {
  it('refuses at once what does not fit a full queue; a remembered client is served', async () => {
    const fresh = await h.createClient(owner.email);
    const user = await signUp(h);
    // Hold every PBKDF2 thread with slow derivations and fill the queue behind them.
    let settled = false;
    const blockers = Promise.allSettled([
      ...Array.from({ length: pbkdf2.PBKDF2_IN_FLIGHT }, () =>
        pbkdf2.hashSecret('blocker', 4_000_000),
      ),
      ...Array.from({ length: pbkdf2.PBKDF2_MAX_QUEUED }, () => pbkdf2.hashSecret('queued', 1)),
    ]).then(() => {
      settled = true;
    });

    // A website authenticating for the first time: refused now, not after the backlog.
    await expectOverloaded(
      await post('/introspect', '203.0.113.1', fresh, { token: 'not-a-token' }),
    );
    // The console's log-in page says so too, with Retry-After.
    const browser = new ConsoleBrowser(h);
    await browser.get('/console/login');
    const login = await browser.post('/console/login', { email: user.email, password: 'x' });
    expect(login.status).toBe(503);
    expect(Number(login.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(browser.lastHtml).toContain('Try again in a few seconds');
    // Hashing a new password (sign-up) shares the queue: a 503 page, not a 500.
    const newcomer = new ConsoleBrowser(h);
    await newcomer.get('/console/signup');
    const signup = await newcomer.post('/console/signup', {
      email: `busy-${Date.now()}@example.com`,
      password: 'a long enough passphrase 7!',
    });
    expect(signup.status).toBe(503);
    expect(signup.headers.get('retry-after')).toBe('1');
    // The busy website's secret was proved before: its refresh derives nothing.
    const refresh = await post('/token', '203.0.113.2', busyWebsite, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    expect(refresh.status).toBe(200);
    tokens = (await refresh.json()) as { refresh_token: string };
    expect(settled).toBe(false);
    await blockers;
  }, 60_000);

  it('bounds one address, and decoys from all addresses, while real clients get through', async () => {
    // 200 made-up client ids from 50 addresses, 4 each: inside the per-address bound, so the
    // decoy budget (16 at once) is what refuses most of them.
    const fresh = await h.createClient(owner.email);
    const flood = Array.from({ length: 200 }, (_, n) =>
      post('/introspect', `198.51.100.${n % 50}`, stranger(n), { token: 't' }),
    );
    const real = await post('/introspect', '203.0.113.3', fresh, { token: 'not-a-token' });
    const answers = await Promise.all(flood);
    expect(real.status).toBe(200);
    expect(answers.filter((r) => r.status === 500)).toHaveLength(0);
    const refused = answers.filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(150);
    await expectOverloaded(refused[0] as Response);
    // One address alone gets at most its own share checked at once.
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        post('/introspect', '192.0.2.99', stranger(1000 + n), { token: 't' }),
      ),
    );
    expect(burst.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(12);
  }, 60_000);
});
