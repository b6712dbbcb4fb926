import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fromIp,
  HOOK_TIMEOUT,
  type SecurityHarness,
  securityHarness,
  securityWorld,
} from './security-helpers.js';
import { privileged, signUp, strongPassword } from './support/console.js';
import { consoleLoginFrom } from './support/console-from.js';
import { basicAuth, signIn, startAuthorization } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';

// Finding 3 of the abuse review: failures are counted per identity AND source, so a stranger
// who knows a public client_id, agent id or an admin's email can lock only their own address
// out; the owner's own traffic keeps working. Past LOCKOUT_IDENTITY_MAX_FAILURES from all
// sources together, the identity is under attack: only sources it authenticated from
// recently may still try, and an alert fires. Sources are varied with X-Forwarded-For.
const STRANGER = '198.51.100.66';
const WEBSITE = '203.0.113.10';
const AGENT_HOST = '203.0.113.20';
const ADMIN_HOME = '203.0.113.30';

function tokenFrom(h: Harness, ip: string, client: ClientFixture, params: Record<string, string>) {
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

const badCode = {
  grant_type: 'authorization_code',
  code: 'not-a-code',
  redirect_uri: REDIRECT_URI,
  code_verifier: 'v'.repeat(43),
};

async function signInFrom(
  h: Harness,
  ip: string,
  client: ClientFixture,
  id: string,
  secret: string,
) {
  const started = await startAuthorization(h, client);
  return h.request(
    '/api/agent/authenticate',
    fromIp(ip, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        request_id: started.requestId,
        agent_id: id,
        agent_secret: secret,
        model: 'm',
      }),
    }),
  );
}

describe('a stranger cannot lock the owner out', () => {
  let h: SecurityHarness;
  let client: ClientFixture;
  let agent: AgentFixture;
  beforeAll(async () => {
    ({ h, client, agent } = await securityWorld({ TRUST_PROXY: '1' }));
  }, HOOK_TIMEOUT);
  afterAll(() => h.dispose());

  it("ten wrong secrets for a website's client_id leave its own code exchange working", async () => {
    const wrong = { ...client, client_secret: 'guessed-secret' };
    for (let i = 0; i < 10; i++) await tokenFrom(h, STRANGER, wrong, badCode);
    // The stranger's address is locked out of this client...
    const stranger = await tokenFrom(h, STRANGER, client, badCode);
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get('retry-after')).not.toBeNull();
    // ...the website, from its own address, exchanges its code as usual.
    const { code, verifier } = await signIn(h, client, agent);
    const exchange = await tokenFrom(h, WEBSITE, client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(exchange.status).toBe(200);
    expect(await exchange.json()).toHaveProperty('access_token');
  });

  it('ten wrong secrets for an agent id leave the agent signing in from its own host', async () => {
    for (let i = 0; i < 10; i++) await signInFrom(h, STRANGER, client, agent.agent_id, 'guess');
    const stranger = await signInFrom(h, STRANGER, client, agent.agent_id, agent.agent_secret);
    expect(stranger.status).toBe(403);
    const own = await signInFrom(h, AGENT_HOST, client, agent.agent_id, agent.agent_secret);
    expect(own.status).toBe(200);
  });

  it("ten wrong passwords for an admin's email leave the admin logging in from home", async () => {
    const admin = await signUp(h);
    await privileged(h, "UPDATE users SET role = 'admin' WHERE email = $1", [admin.email]);
    for (let i = 0; i < 10; i++) await consoleLoginFrom(h, STRANGER, admin.email, strongPassword());
    const stranger = await consoleLoginFrom(h, STRANGER, admin.email, admin.password);
    expect(stranger.status).toBe(401);
    expect((await consoleLoginFrom(h, ADMIN_HOME, admin.email, admin.password)).status).toBe(303);
  });
});

describe('an identity under attack from many sources', () => {
  let h: SecurityHarness;
  let client: ClientFixture;
  beforeAll(async () => {
    h = await securityHarness({
      TRUST_PROXY: '1',
      LOCKOUT_MAX_FAILURES: '3',
      LOCKOUT_IDENTITY_MAX_FAILURES: '6',
    });
    const owner = await h.createUser();
    client = await h.createClient(owner.email);
  }, HOOK_TIMEOUT);
  afterAll(() => h.dispose());

  it('refuses new sources, keeps the trusted one working, and alerts', async () => {
    // The website authenticates from its usual address: past client authentication, the
    // made-up code is the only problem (400), and the address is now trusted.
    expect((await tokenFrom(h, WEBSITE, client, badCode)).status).toBe(400);
    const wrong = { ...client, client_secret: 'guessed-secret' };
    // Eight addresses, two guesses each: every one below its own limit of three.
    for (let n = 1; n <= 8; n++)
      for (let i = 0; i < 2; i++) await tokenFrom(h, `192.0.2.${n}`, wrong, badCode);
    const newcomer = await tokenFrom(h, '192.0.2.200', client, badCode);
    expect(newcomer.status).toBe(401);
    expect(Number(newcomer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await tokenFrom(h, WEBSITE, client, badCode)).status).toBe(400);

    const locks = await h.events({ event: 'lockout.locked' });
    expect(
      locks.some((e) => e.targetId === client.client_id && e.details.scope === 'identity'),
    ).toBe(true);
    const alerts = await h.events({ event: 'alert.fired' });
    expect(alerts.map((e) => e.targetId)).toContain('identity_under_attack');
  });
});
