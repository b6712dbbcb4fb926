import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromIp, HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';
import { privileged, signUp, strongPassword } from './support/console.js';
import { consoleLoginFrom } from './support/console-from.js';
import { basicAuth, obtainTokens } from './support/flow.js';
import type { ClientFixture } from './support/harness.js';

// Finding 4 of the abuse review: the default budgets (300 token requests a minute per
// client) throttled a busy website at 5 requests a second. With the default RATE_LIMITS,
// requests that authenticate are not counted at all; failures are, tightly.
const WEBSITE = '203.0.113.50';
const STRANGER = '198.51.100.9';
const CHAINS = 5;
const PER_CHAIN = 72; // 360 refreshes, more than a minute's worth under the old defaults

let h: SecurityHarness;
let website: ClientFixture;
let chains: string[];

beforeAll(async () => {
  h = await securityHarness({ TRUST_PROXY: '1', RATE_LIMITS: '' });
  const owner = await h.createUser();
  website = await h.createClient(owner.email);
  const agent = await h.createAgent(owner.email);
  chains = [];
  for (let i = 0; i < CHAINS; i++)
    chains.push((await obtainTokens(h, website, agent)).refresh_token);
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

function token(ip: string, client: ClientFixture, params: Record<string, string>) {
  return h.request(
    '/token',
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

async function refresh(chain: number): Promise<number> {
  const response = await token(WEBSITE, website, {
    grant_type: 'refresh_token',
    refresh_token: chains[chain] ?? '',
  });
  if (response.status === 200)
    chains[chain] = ((await response.json()) as { refresh_token: string }).refresh_token;
  return response.status;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('default rate limits', () => {
  it('never refuse a busy website refreshing 50 times a second', async () => {
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: CHAINS }, async (_, chain) => {
        const seen: number[] = [];
        for (let k = 0; k < PER_CHAIN; k++) {
          // Paced: each chain refreshes ten times a second, fifty in all.
          await sleep(started + k * 100 - performance.now());
          seen.push(await refresh(chain));
        }
        return seen;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    expect(statuses.flat().filter((s) => s !== 200)).toEqual([]);
    expect((CHAINS * PER_CHAIN) / seconds).toBeGreaterThan(40);
  }, 60_000);

  it("refuse a stranger's failures, first for the client, then for the address", async () => {
    const guessed = { ...website, client_secret: 'guessed-secret' };
    const bogus = { grant_type: 'refresh_token', refresh_token: 'not-a-token' };
    const answers: Response[] = [];
    for (let i = 0; i < 70; i++) answers.push(await token(STRANGER, guessed, bogus));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(answers.at(-1)?.status).toBe(429);
    for (const r of limited) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    // The address spent its failures: refused before any work, whatever client it names.
    const other = { client_id: 'another-client', client_secret: 'x', redirect_uris: [] };
    expect((await token(STRANGER, other, bogus)).status).toBe(429);
    // The website, from its own address, is not affected.
    expect(await refresh(0)).toBe(200);
  });

  it("leave an admin's log-in working after a stranger spent the email's failures", async () => {
    const admin = await signUp(h);
    await privileged(h, "UPDATE users SET role = 'admin' WHERE email = $1", [admin.email]);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await consoleLoginFrom(h, '198.51.100.77', admin.email, strongPassword())).status,
      );
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect((await consoleLoginFrom(h, '203.0.113.60', admin.email, admin.password)).status).toBe(
      303,
    );
  });

  it('count an agent sign-in for a made-up request as a failure', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const response = await h.request(
        '/api/agent/authenticate',
        fromIp('198.51.100.88', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            request_id: `made-up-request-${i}`,
            agent_id: `some-agent-${i}`,
            agent_secret: 'guess',
            model: 'm',
          }),
        }),
      );
      statuses.push(response.status);
    }
    // The address's 30 failures a minute are spent: the 31st is refused before any work.
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});
