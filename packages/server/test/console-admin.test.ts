import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionUser } from '../src/accounts/provisioning.js';
import { ConsoleBrowser, type ConsoleUser, signUp, strongPassword } from './support/console.js';
import { authenticateAgent, obtainTokens, startAuthorization } from './support/flow.js';
import { createHarness, type Harness } from './support/harness.js';
import { asUser } from './support/sessions.js';

let h: Harness;
let admin: ConsoleBrowser;
let adminId: string;
let member: ConsoleUser;

beforeAll(async () => {
  h = await createHarness();
  const password = strongPassword();
  const created = await provisionUser(h.ctx.db, {
    email: 'admin@example.com',
    password,
    admin: true,
    iterations: h.ctx.config.pbkdf2Iterations,
  });
  adminId = created.id;
  admin = new ConsoleBrowser(h);
  await admin.get('/console/login');
  await admin.post('/console/login', { email: 'admin@example.com', password });
  member = await signUp(h);
});
afterAll(() => h.dispose());

async function introspect(
  client: { client_id: string; client_secret: string | null },
  token: string,
) {
  const response = await h.request('/introspect', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return ((await response.json()) as { active: boolean }).active;
}

describe('admin', () => {
  it('sees users, agents and websites of every owner', async () => {
    const owner = await h.createUser();
    const agent = await h.createAgent(owner.email);
    const client = await h.createClient(owner.email, { name: 'Someone else site' });
    expect((await admin.get('/console/admin')).status).toBe(200);
    expect(admin.lastHtml).toContain(owner.email);
    expect(admin.lastHtml).toContain(member.email);
    expect(admin.lastHtml).toContain(agent.agent_id);
    expect(admin.lastHtml).toContain(client.client_id);
    // The admin's own lists stay personal.
    await admin.get('/console/agents');
    expect(admin.lastHtml).not.toContain(agent.agent_id);
  });

  it('disables and re-enables a user: their agents cannot sign in meanwhile, their sessions end', async () => {
    const owner = await signUp(h);
    const [row] = await asUser(h.ctx.db, adminId, (tx) =>
      tx.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [owner.email]),
    );
    const ownerId = row?.id ?? '';
    const agent = await h.createAgent(owner.email);
    const site = await h.createClient(member.email);
    const tokens = await obtainTokens(h, site, agent);
    await admin.get('/console/admin');
    expect((await admin.post(`/console/admin/users/${ownerId}/disable`)).status).toBe(303);
    expect((await owner.browser.get('/console/agents')).status).toBe(303);
    expect(await introspect(site, tokens.access_token)).toBe(false);
    const started = await startAuthorization(h, site);
    expect((await authenticateAgent(h, started.requestId, agent)).status).toBe(403);
    const login = new ConsoleBrowser(h);
    await login.get('/console/login');
    expect(
      (await login.post('/console/login', { email: owner.email, password: owner.password })).status,
    ).toBe(401);
    expect((await admin.post(`/console/admin/users/${ownerId}/enable`)).status).toBe(303);
    expect(
      (await login.post('/console/login', { email: owner.email, password: owner.password })).status,
    ).toBe(303);
    expect((await admin.post(`/console/admin/users/${adminId}/disable`)).status).toBe(403);
  });

  it("disables another owner's agent and website", async () => {
    const owner = await h.createUser();
    const agent = await h.createAgent(owner.email);
    const site = await h.createClient(owner.email);
    await admin.get('/console/admin');
    const agentRef = new RegExp(
      `href="/console/agents/([0-9a-f-]{36})">[^<]*</a></td><td[^>]*><code[^>]*>${agent.agent_id}`,
    ).exec(admin.lastHtml)?.[1];
    const siteRef = new RegExp(
      `href="/console/websites/([0-9a-f-]{36})">[^<]*</a></td><td[^>]*><code[^>]*>${site.client_id}`,
    ).exec(admin.lastHtml)?.[1];
    expect(agentRef).toBeDefined();
    expect((await admin.post(`/console/admin/agents/${agentRef}/disable`)).status).toBe(303);
    const started = await startAuthorization(h, site);
    expect((await authenticateAgent(h, started.requestId, agent)).status).toBe(403);
    expect((await admin.post(`/console/admin/websites/${siteRef}/disable`)).status).toBe(303);
    expect((await startAuthorization(h, site)).response.status).toBe(400);
  });

  it('revokes all tokens of everyone', async () => {
    const owner = await h.createUser();
    const agent = await h.createAgent(owner.email);
    const site = await h.createClient(owner.email);
    const first = await obtainTokens(h, site, agent);
    const second = await obtainTokens(h, site, agent);
    await admin.get('/console/admin');
    expect((await admin.post('/console/admin/revoke-all')).headers.get('location')).toBe(
      '/console/admin/revoke-all',
    );
    expect(await introspect(site, first.access_token)).toBe(true);
    await admin.get('/console/admin/revoke-all');
    expect(admin.lastHtml).toMatch(
      /End (all \d+ live sign-ins|the 1 live sign-in) of every agent at every website/,
    );
    expect((await admin.post('/console/admin/revoke-all', { confirm: 'yes' })).status).toBe(303);
    expect(await introspect(site, first.access_token)).toBe(false);
    expect(await introspect(site, second.access_token)).toBe(false);
    const fresh = await obtainTokens(h, site, agent);
    expect(await introspect(site, fresh.access_token)).toBe(true);
  });

  it('rotates the signing key: the next key is published, and the page shows it', async () => {
    const kids = async () =>
      (
        (await (await h.request('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }
      ).keys.map((k) => k.kid);
    const [current] = await kids();
    await admin.get('/console/admin');
    expect(admin.lastHtml).toContain(String(current));
    expect((await admin.post('/console/admin/keys/rotate')).status).toBe(303);
    const published = await kids();
    expect(published).toHaveLength(2);
    expect(published[1]).toBe(current);
    await admin.get('/console/admin?done=key-rotated');
    expect(admin.lastHtml).toContain(String(published[0]));
    expect(admin.lastHtml).toContain('signs from');
    expect(admin.lastHtml).toContain('The next signing key is published.');
  });

  it('emergency rotation withdraws every other key and ends every token', async () => {
    const owner = await h.createUser();
    const site = await h.createClient(owner.email);
    const agent = await h.createAgent(owner.email);
    const before = await obtainTokens(h, site, agent);
    expect((await admin.post('/console/admin/keys/rotate-emergency')).status).toBe(303);
    expect(await introspect(site, before.access_token)).toBe(false);
    const jwks = (await (await h.request('/.well-known/jwks.json')).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(1);
    const after = await obtainTokens(h, site, agent);
    expect(await introspect(site, after.access_token)).toBe(true);
  });

  it('links the security log, which shows an admin the events of every owner', async () => {
    await admin.get('/console/admin');
    expect(admin.lastHtml).toContain('href="/console/security"');
    const log = await admin.get('/console/security');
    expect(log.status).toBe(200);
    expect(admin.lastHtml).toContain('Security log');
  });
});
