import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unlockAsUser } from '../src/console/queries/unlock.js';
import { HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';
import { authenticate, startAuthorization, tokenRequest } from './support/flow.js';
import { type AgentFixture, type ClientFixture, REDIRECT_URI } from './support/harness.js';
import { sessionFor } from './support/sessions.js';

let h: SecurityHarness;
let client: ClientFixture;
let agent: AgentFixture;
let owner: { id: string; email: string };
let stranger: { id: string; email: string };

beforeAll(async () => {
  h = await securityHarness({
    LOCKOUT_MAX_FAILURES: '3',
    LOCKOUT_DURATION: '1',
    MAX_FAILED_ATTEMPTS_PER_REQUEST: '50',
  });
  owner = await h.createUser();
  stranger = await h.createUser();
  client = await h.createClient(owner.email);
  agent = await h.createAgent(owner.email);
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

async function signInAttempt(agentId: string, secret: string) {
  const started = await startAuthorization(h, client);
  const response = await authenticate(h, {
    request_id: started.requestId,
    agent_id: agentId,
    agent_secret: secret,
    model: 'm',
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, string>,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('agent lockout', () => {
  it('refuses even the right secret once locked, and answers an unknown id exactly the same', async () => {
    const real: Awaited<ReturnType<typeof signInAttempt>>[] = [];
    const unknown: Awaited<ReturnType<typeof signInAttempt>>[] = [];
    for (let i = 0; i < 3; i++) {
      real.push(await signInAttempt(agent.agent_id, 'wrong'));
      unknown.push(await signInAttempt('agent_does_not_exist', 'wrong'));
    }
    real.push(await signInAttempt(agent.agent_id, agent.agent_secret));
    unknown.push(await signInAttempt('agent_does_not_exist', 'anything'));
    expect(real.map((r) => r.status)).toEqual([401, 401, 401, 403]);
    expect(real[3]?.body.error_description).toMatch(/temporarily locked/);
    expect(real[3]?.retryAfter).toBe('1');
    // Same statuses, same bodies, same Retry-After for an id that does not exist.
    expect(unknown.map((r) => [r.status, r.body, r.retryAfter])).toEqual(
      real.map((r) => [r.status, r.body, r.retryAfter]),
    );
  });

  it('grows the lock each time it is earned again', async () => {
    await sleep(1_100);
    for (let i = 0; i < 3; i++) await signInAttempt(agent.agent_id, 'wrong');
    const second = await signInAttempt(agent.agent_id, agent.agent_secret);
    expect(second.status).toBe(403);
    expect(second.retryAfter).toBe('2');
    const locks = await h.events({ event: 'lockout.locked' });
    expect(locks.filter((e) => e.targetId === agent.agent_id)).toHaveLength(2);
  });

  it('unlocks from the console for the owner only; a stranger is refused and recorded', async () => {
    expect(
      await unlockAsUser(
        h.ctx,
        await sessionFor(h.db.driver, stranger.id),
        'agent',
        agent.agent_id,
        undefined,
      ),
    ).toBe('not_found');
    expect((await signInAttempt(agent.agent_id, agent.agent_secret)).status).toBe(403);
    const violations = await h.events({ event: 'rls.violation_attempt' });
    expect(violations.at(-1)).toMatchObject({ actorId: stranger.id, targetId: agent.agent_id });

    const session = await sessionFor(h.db.driver, owner.id);
    expect(await unlockAsUser(h.ctx, session, 'agent', agent.agent_id, undefined)).toBe('unlocked');
    expect((await signInAttempt(agent.agent_id, agent.agent_secret)).status).toBe(200);
    expect(await unlockAsUser(h.ctx, session, 'agent', agent.agent_id, undefined)).toBe(
      'not_locked',
    );
    const unlocked = await h.events({ event: 'admin.unlocked' });
    expect(unlocked.at(-1)).toMatchObject({ actorType: 'user', actorId: owner.id });
  });

  it('counts a success as a fresh start', async () => {
    await signInAttempt(agent.agent_id, 'wrong');
    await signInAttempt(agent.agent_id, 'wrong');
    expect((await signInAttempt(agent.agent_id, agent.agent_secret)).status).toBe(200);
    await signInAttempt(agent.agent_id, 'wrong');
    await signInAttempt(agent.agent_id, 'wrong');
    expect((await signInAttempt(agent.agent_id, agent.agent_secret)).status).toBe(200);
  });
});

describe('client lockout', () => {
  const exchange = (secret: string) =>
    tokenRequest(
      h,
      { ...client, client_secret: secret },
      {
        grant_type: 'authorization_code',
        code: 'not-a-code',
        redirect_uri: REDIRECT_URI,
        code_verifier: 'v'.repeat(43),
      },
    );

  it('locks the client after repeated wrong secrets, for every endpoint, until unlocked', async () => {
    for (let i = 0; i < 3; i++) expect((await exchange('wrong-secret')).status).toBe(401);
    const locked = await exchange(client.client_secret ?? '');
    expect(locked.status).toBe(401);
    expect(locked.headers.get('retry-after')).toBe('1');
    expect(await locked.json()).toMatchObject({
      error: 'invalid_client',
      error_description: expect.stringMatching(/temporarily locked/),
    });
    const session = await sessionFor(h.db.driver, owner.id);
    expect(await unlockAsUser(h.ctx, session, 'client', client.client_id, undefined)).toBe(
      'unlocked',
    );
    // Unlocked: the right secret gets past client authentication to the (bad) grant.
    const after = await exchange(client.client_secret ?? '');
    expect(after.status).toBe(400);
    expect(await after.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('records failures and the lock as security events the owner can see', async () => {
    const failures = await h.events({ event: 'client.authentication' });
    const mine = failures.filter((e) => e.targetId === client.client_id);
    expect(mine.filter((e) => e.outcome === 'failure').length).toBeGreaterThanOrEqual(3);
    expect(mine.some((e) => e.outcome === 'denied' && e.details.reason === 'locked')).toBe(true);
  });
});
