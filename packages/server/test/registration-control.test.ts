import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimRegisteredClient,
  issueRegistrationToken,
} from '../src/accounts/self-registered-clients.js';
import { listOwnClients } from '../src/console/queries/clients.js';
import { purgeExpired } from '../src/operations/housekeeping.js';
import { register } from './support/client-keys.js';
import { ConsoleBrowser, privileged } from './support/console.js';
import { obtainTokens } from './support/flow.js';
import { createHarness, type Harness, REDIRECT_URI } from './support/harness.js';
import { asUser } from './support/sessions.js';

// Who may register, how often, who may own a registered client, and when it goes away.
const NATIVE = { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' };
const from = (ip: string) => ({ 'x-forwarded-for': ip });

describe('registration floods', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ TRUST_PROXY: '1', RATE_LIMITS: 'register=3/5' });
  });
  afterAll(() => h.dispose());

  it('limits registrations per source, then all sources together', async () => {
    for (let i = 0; i < 3; i++)
      expect((await register(h, NATIVE, from('198.51.100.7'))).status).toBe(201);
    const flooded = await h.request('/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...from('198.51.100.7') },
      body: JSON.stringify(NATIVE),
    });
    expect(flooded.status).toBe(429);
    expect(Number(flooded.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another source still gets through, until the budget of all registrations is spent.
    expect((await register(h, NATIVE, from('203.0.113.8'))).status).toBe(201);
    expect((await register(h, NATIVE, from('203.0.113.9'))).status).toBe(201);
    expect((await register(h, NATIVE, from('192.0.2.10'))).status).toBe(429);
  });
});

describe('CLIENT_REGISTRATION=token', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ CLIENT_REGISTRATION: 'token' });
  });
  afterAll(() => h.dispose());

  it('requires an initial access token, and spends it', async () => {
    const none = await register(h, NATIVE);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: 'invalid_token' });
    const { initial_access_token } = await issueRegistrationToken(h.ctx.db, {
      ttlSeconds: 3600,
      uses: 1,
    });
    const bearer = { authorization: `Bearer ${initial_access_token}` };
    expect((await register(h, NATIVE, bearer)).status).toBe(201);
    const again = await register(h, NATIVE, bearer);
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ error: 'invalid_token' });
  });

  it('refuses an expired or made-up token', async () => {
    const { initial_access_token } = await issueRegistrationToken(h.ctx.db, {
      ttlSeconds: 3600,
      uses: 5,
    });
    await privileged(h, "UPDATE registration_tokens SET expires_at = now() - interval '1 second'");
    for (const token of [initial_access_token, 'aa_iat_made_up'])
      expect((await register(h, NATIVE, { authorization: `Bearer ${token}` })).status).toBe(401);
  });
});

describe('ownership', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.dispose());

  it('no owner sees a self-registered client until one claims it with its registration token', async () => {
    const owner = await h.createUser();
    const stranger = await h.createUser();
    const { body } = await register(h, NATIVE);
    const clientId = body.client_id as string;
    const token = body.registration_access_token as string;
    const visibleTo = async (userId: string) =>
      (await asUser(h.ctx.db, userId, (tx) => listOwnClients(tx, userId))).some(
        (c) => c.client_id === clientId,
      );
    expect(await visibleTo(owner.id)).toBe(false);
    await expect(
      claimRegisteredClient(h.ctx.db, {
        ownerEmail: stranger.email,
        clientId,
        registrationToken: 'aa_rat_guess',
      }),
    ).rejects.toThrow(/No unclaimed/);
    const claimed = await claimRegisteredClient(h.ctx.db, {
      ownerEmail: owner.email,
      clientId,
      registrationToken: token,
    });
    expect(claimed).toMatchObject({ client_id: clientId, claimed: true });
    expect(await visibleTo(owner.id)).toBe(true);
    expect(await visibleTo(stranger.id)).toBe(false);
    // The registration token is spent: RFC 7592 management and a second claim both fail.
    const read = await h.request(`/register/${clientId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.status).toBe(401);
    await expect(
      claimRegisteredClient(h.ctx.db, {
        ownerEmail: stranger.email,
        clientId,
        registrationToken: token,
      }),
    ).rejects.toThrow(/No unclaimed/);
  });

  it('lists self-registered clients for admins, marked as having no owner', async () => {
    const admin = await h.createUser();
    await privileged(h, "UPDATE users SET role = 'admin' WHERE id = $1", [admin.id]);
    const { body } = await register(h, { ...NATIVE, client_name: 'Walk-in client' });
    const browser = new ConsoleBrowser(h);
    await browser.get('/console/login');
    expect(
      (await browser.post('/console/login', { email: admin.email, password: admin.password }))
        .status,
    ).toBe(303);
    expect((await browser.get('/console/admin')).status).toBe(200);
    expect(browser.lastHtml).toContain(body.client_id as string);
    expect(browser.lastHtml).toContain('nobody: registered itself');
  });

  it('deletes unused ownerless clients in housekeeping, and keeps used and claimed ones', async () => {
    const owner = await h.createUser();
    const agent = await h.createAgent(owner.email);
    const unused = (await register(h, NATIVE)).body;
    const used = (await register(h, NATIVE)).body;
    const claimed = (await register(h, NATIVE)).body;
    await obtainTokens(
      h,
      { client_id: used.client_id as string, client_secret: null, redirect_uris: [REDIRECT_URI] },
      agent,
    );
    await claimRegisteredClient(h.ctx.db, {
      ownerEmail: owner.email,
      clientId: claimed.client_id as string,
      registrationToken: claimed.registration_access_token as string,
    });
    const ids = [unused, used, claimed].map((b) => b.client_id as string);
    await privileged(
      h,
      "UPDATE clients SET created_at = now() - interval '60 days' WHERE client_id = ANY($1)",
      [ids],
    );
    await privileged(
      h,
      "UPDATE auth_requests SET created_at = now() - interval '60 days' WHERE client_ref IN (SELECT id FROM clients WHERE client_id = ANY($1))",
      [ids],
    );
    const counts = await purgeExpired(h.ctx.db, 30 * 24 * 3600);
    expect(counts?.unused_clients).toBe(1);
    const left = await privileged<{ client_id: string }>(
      h,
      'SELECT client_id FROM clients WHERE client_id = ANY($1)',
      [ids],
    );
    expect(left.map((r) => r.client_id).sort()).toEqual([used.client_id, claimed.client_id].sort());
  });
});
