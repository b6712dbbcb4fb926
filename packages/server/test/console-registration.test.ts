import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from './support/client-keys.js';
import { privileged, signUp } from './support/console.js';
import { createHarness, type Harness, REDIRECT_URI } from './support/harness.js';

// The console's side of Dynamic Client Registration (RFC 7591 §3 initial access tokens;
// claiming with the RFC 7592 registration access token): docs/console.md.
const NATIVE = { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' };
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ CLIENT_REGISTRATION: 'token' });
});
afterAll(() => h.dispose());

function tokenOnPage(html: string): string {
  const token = /<code id="registration-token">([^<]+)<\/code>/.exec(html)?.[1];
  if (!token) throw new Error('no token on the page');
  return token;
}

describe('registration tokens and claiming in the console', () => {
  it('makes an initial access token, shown once, that lets a client register', async () => {
    const owner = await signUp(h);
    await owner.browser.get('/console/registration');
    expect(owner.browser.lastHtml).toContain('Create registration token');
    const made = await owner.browser.post('/console/registration/token', { days: '1', uses: '2' });
    expect(made.status).toBe(303);
    expect((await owner.browser.follow(made)).status).toBe(200);
    const token = tokenOnPage(owner.browser.lastHtml);
    expect(token).toMatch(/^aa_iat_[A-Za-z0-9_-]{43}$/);
    const stored = await privileged<{ token_hash: string; uses_left: number; mine: boolean }>(
      h,
      `SELECT t.token_hash, t.uses_left, t.created_by = u.id AS mine
       FROM registration_tokens t JOIN users u ON u.email = $1`,
      [owner.email],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ uses_left: 2, mine: true });
    expect(stored[0]?.token_hash).not.toBe(token);
    // The page after it shows no token again.
    await owner.browser.get('/console/registration');
    expect(owner.browser.lastHtml).not.toContain(token);

    const bearer = { authorization: `Bearer ${token}` };
    expect((await register(h, NATIVE)).status).toBe(401);
    expect((await register(h, NATIVE, bearer)).status).toBe(201);
  });

  it('refuses lifetimes and uses it does not offer', async () => {
    const owner = await signUp(h);
    await owner.browser.get('/console/registration');
    for (const fields of [
      { days: '3650', uses: '1' },
      { days: '1', uses: '0' },
      { days: '1', uses: '1e9' },
    ]) {
      expect((await owner.browser.post('/console/registration/token', fields)).status).toBe(400);
    }
  });

  it('lets an owner claim a self-registered client with its registration access token', async () => {
    const owner = await signUp(h);
    await owner.browser.get('/console/registration');
    await owner.browser.follow(
      await owner.browser.post('/console/registration/token', { days: '1', uses: '1' }),
    );
    const iat = tokenOnPage(owner.browser.lastHtml);
    const { body } = await register(h, NATIVE, { authorization: `Bearer ${iat}` });
    const clientId = String(body.client_id);
    const rat = String(body.registration_access_token);

    const stranger = await signUp(h);
    await stranger.browser.get('/console/registration');
    const wrong = await stranger.browser.post('/console/registration/claim', {
      client_id: clientId,
      registration_access_token: `${rat}x`,
    });
    expect(wrong.status).toBe(400);

    await owner.browser.get('/console/registration');
    const claimed = await owner.browser.post('/console/registration/claim', {
      client_id: clientId,
      registration_access_token: rat,
    });
    expect(claimed.headers.get('location')).toBe('/console/websites?done=claimed');
    await owner.browser.get('/console/websites');
    expect(owner.browser.lastHtml).toContain(clientId);
    // The token is spent: nobody else can claim it, and RFC 7592 management with it ends.
    await stranger.browser.get('/console/registration');
    const late = await stranger.browser.post('/console/registration/claim', {
      client_id: clientId,
      registration_access_token: rat,
    });
    expect(late.status).toBe(400);
    const read = await h.request(`/register/${clientId}`, {
      headers: { authorization: `Bearer ${rat}` },
    });
    expect(read.status).toBe(401);
    await h.ctx.security.flush();
    const [event] = await privileged<{ actor_type: string }>(
      h,
      `SELECT actor_type FROM security_events WHERE event = 'client.claimed' AND target_id = $1`,
      [clientId],
    );
    expect(event?.actor_type).toBe('user');
  });
});

describe('when registration needs no token', () => {
  let open: Harness;
  beforeAll(async () => {
    open = await createHarness({ CLIENT_REGISTRATION: 'open' });
  });
  afterAll(() => open.dispose());

  it('says so and makes no token', async () => {
    const owner = await signUp(open);
    await owner.browser.get('/console/registration');
    expect(owner.browser.lastHtml).toContain('any client may register itself without a token');
    const post = await owner.browser.post('/console/registration/token', { days: '1', uses: '1' });
    expect(post.status).toBe(303);
    const [row] = await privileged<{ n: number }>(
      open,
      'SELECT count(*)::int AS n FROM registration_tokens',
    );
    expect(row?.n).toBe(0);
  });
});
