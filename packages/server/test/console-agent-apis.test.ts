import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleUser, privileged, signUp } from './support/console.js';
import {
  authenticateAgent,
  checkStatus,
  signIn,
  startAuthorization,
  tokenRequest,
} from './support/flow.js';
import {
  type ApiFixture,
  type ClientFixture,
  createHarness,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';

// An owner restricts the APIs (RFC 8707 resources) an agent may obtain tokens for; the
// database refuses the rest, at sign-in and on every token and refresh.

let h: Harness;
let website: ClientFixture;
let counter = 0;
beforeAll(async () => {
  h = await createHarness();
  website = await h.createClient((await h.createUser()).email, { name: 'Shop' });
});
afterAll(() => h.dispose());

async function ownAgent(user: ConsoleUser) {
  const agent = await h.createAgent(user.email);
  const [row] = await privileged<{ id: string }>(h, 'SELECT id FROM agents WHERE agent_id = $1', [
    agent.agent_id,
  ]);
  return { ...agent, ref: row?.id ?? '' };
}

function ownApi(user: ConsoleUser, name: string): Promise<ApiFixture> {
  counter += 1;
  return h.createApi(user.email, {
    identifier: `https://api${counter}.example/${name.replace(/\W/g, '')}`,
    name,
  });
}

/** Ticks exactly these APIs on the agent's page. */
async function allowApis(user: ConsoleUser, agentRef: string, apis: ApiFixture[]) {
  await user.browser.get(`/console/agents/${agentRef}`);
  return user.browser.post(
    `/console/agents/${agentRef}/apis`,
    Object.fromEntries(apis.map((a) => [`api:${a.api_id}`, 'on'])),
  );
}

async function storedApis(agentRef: string): Promise<number> {
  const [row] = await privileged<{ n: number }>(
    h,
    'SELECT count(*)::int AS n FROM agent_allowed_apis WHERE agent_ref = $1',
    [agentRef],
  );
  return row?.n ?? -1;
}

async function tokenFor(agent: { agent_id: string; agent_secret: string }, resource?: string) {
  const { code, verifier } = await signIn(h, website, agent, 'm', resource ? { resource } : {});
  return tokenRequest(h, website, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  });
}

describe('APIs an agent may obtain tokens for', () => {
  it('lets the agent sign in for an allowed API only; the rest is refused with no code', async () => {
    const user = await signUp(h);
    const agent = await ownAgent(user);
    const calendar = await ownApi(user, 'Calendar');
    const mail = await ownApi(user, 'Mail');
    await user.browser.get(`/console/agents/${agent.ref}`);
    expect(user.browser.lastHtml).toContain('Any API.');
    const saved = await allowApis(user, agent.ref, [calendar]);
    expect(saved.headers.get('location')).toBe(`/console/agents/${agent.ref}?done=saved`);
    await user.browser.get(`/console/agents/${agent.ref}`);
    expect(user.browser.lastHtml).toContain(`name="api:${calendar.api_id}" value="on" checked`);
    expect(user.browser.lastHtml).toContain(`name="api:${mail.api_id}" value="on">`);

    const allowed = await tokenFor(agent, calendar.identifier);
    expect(allowed.status).toBe(200);
    const body = (await allowed.json()) as { access_token: string };
    expect(decodeJwt(body.access_token).aud).toBe(calendar.identifier);
    // No resource at all: the website's own token, which the website list governs.
    expect((await tokenFor(agent)).status).toBe(200);

    for (const resource of [mail.identifier, [calendar.identifier, mail.identifier]]) {
      const started = await startAuthorization(h, website, { resource });
      const refused = await authenticateAgent(h, started.requestId, agent);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        error: 'access_denied',
        error_description: expect.stringContaining('certain APIs'),
      });
      expect(JSON.stringify(await checkStatus(h, started.requestId, started.cookie))).toMatch(
        /denied/,
      );
    }
    const [codes] = await privileged<{ n: number }>(
      h,
      `SELECT count(*)::int AS n FROM auth_codes c JOIN agents a ON a.id = c.agent_ref
       WHERE a.agent_id = $1 AND $2 = ANY (c.resources)`,
      [agent.agent_id, mail.identifier],
    );
    expect(codes?.n).toBe(0);

    // The owner sees the refusal and their own change in the security log.
    await h.ctx.security.flush();
    const events = await privileged<{ reason: string | null; action: string | null }>(
      h,
      `SELECT details->>'reason' AS reason, details->>'action' AS action
       FROM security_events WHERE target_id = $1 ORDER BY id`,
      [agent.agent_id],
    );
    expect(events.filter((e) => e.reason === 'api_not_allowed')).toHaveLength(2);
    expect(events.filter((e) => e.action === 'agent.restrict_apis')).toHaveLength(1);

    // Unticking every API allows any again.
    await allowApis(user, agent.ref, []);
    expect(await storedApis(agent.ref)).toBe(0);
    expect((await tokenFor(agent, mail.identifier)).status).toBe(200);
  });

  it('refuses a code exchange and a refresh for an API taken off the list afterwards', async () => {
    const user = await signUp(h);
    const agent = await ownAgent(user);
    const calendar = await ownApi(user, 'Calendar');
    const mail = await ownApi(user, 'Mail');
    const granted = await tokenFor(agent, calendar.identifier);
    const { refresh_token } = (await granted.json()) as { refresh_token: string };
    const pending = await signIn(h, website, agent, 'm', { resource: calendar.identifier });

    await allowApis(user, agent.ref, [mail]);
    const refresh = await tokenRequest(h, website, { grant_type: 'refresh_token', refresh_token });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_target' });
    const exchange = await tokenRequest(h, website, {
      grant_type: 'authorization_code',
      code: pending.code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pending.verifier,
    });
    expect(exchange.status).toBe(400);
    expect(await exchange.json()).toMatchObject({ error: 'invalid_target' });

    // Allowed again: the refresh token was never spent, and works.
    await allowApis(user, agent.ref, [calendar]);
    const again = await tokenRequest(h, website, { grant_type: 'refresh_token', refresh_token });
    expect(again.status).toBe(200);
    const body = (await again.json()) as { access_token: string };
    expect(decodeJwt(body.access_token).aud).toBe(calendar.identifier);
  });

  it("stores no one else's API, and lets no one else restrict someone's agent", async () => {
    const victim = await signUp(h);
    const attacker = await signUp(h);
    const victimApi = await ownApi(victim, 'Victim API');
    const attackerAgent = await ownAgent(attacker);
    const rejected = await allowApis(attacker, attackerAgent.ref, [victimApi]);
    expect(rejected.status).toBe(400);
    expect(attacker.browser.lastHtml).toContain('Only your own APIs can be allowed.');
    expect(await storedApis(attackerAgent.ref)).toBe(0);
    // Mixed with one of its own, the list is refused whole.
    const own = await ownApi(attacker, 'Own API');
    expect((await allowApis(attacker, attackerAgent.ref, [own, victimApi])).status).toBe(400);
    expect(await storedApis(attackerAgent.ref)).toBe(0);
    await attacker.browser.get(`/console/agents/${attackerAgent.ref}`);
    expect(attacker.browser.lastHtml).not.toContain(victimApi.api_id);

    const victimAgent = await ownAgent(victim);
    const response = await attacker.browser.post(`/console/agents/${victimAgent.ref}/apis`, {
      [`api:${own.api_id}`]: 'on',
    });
    expect(response.status).toBe(404);
    expect(await storedApis(victimAgent.ref)).toBe(0);
  });

  it('forgets the list entries of a deleted API or agent', async () => {
    const user = await signUp(h);
    const agent = await ownAgent(user);
    const api = await ownApi(user, 'Temporary');
    await allowApis(user, agent.ref, [api]);
    expect(await storedApis(agent.ref)).toBe(1);
    await privileged(h, 'DELETE FROM resource_servers WHERE api_id = $1', [api.api_id]);
    expect(await storedApis(agent.ref)).toBe(0);
    const other = await ownApi(user, 'Another');
    await allowApis(user, agent.ref, [other]);
    await privileged(h, 'DELETE FROM agents WHERE id = $1', [agent.ref]);
    expect(await storedApis(agent.ref)).toBe(0);
  });
});
