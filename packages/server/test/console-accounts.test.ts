import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, privileged, signUp, strongPassword } from './support/console.js';
import { createHarness, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.dispose());

describe('console accounts', () => {
  it('signs up, sets a hardened session cookie and shows the overview', async () => {
    const browser = new ConsoleBrowser(h);
    const form = await browser.get('/console/signup');
    expect(form.status).toBe(200);
    expect(form.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    expect(form.headers.get('referrer-policy')).toBe('same-origin');
    const response = await browser.post('/console/signup', {
      email: 'new-user@example.com',
      password: strongPassword(),
    });
    expect(response.status).toBe(303);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('auth_agent_console='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const home = await browser.get('/console');
    expect(home.status).toBe(200);
    expect(browser.lastHtml).toContain('New agent');
    expect(browser.lastHtml).toContain('Confirm your email address');
  });

  it('refuses short and common passwords', async () => {
    const browser = new ConsoleBrowser(h);
    await browser.get('/console/signup');
    const short = await browser.post('/console/signup', {
      email: 'a1@example.com',
      password: 'short-pw',
    });
    expect(short.status).toBe(400);
    expect(browser.lastHtml).toContain('at least 12 characters');
    const common = await browser.post('/console/signup', {
      email: 'a1@example.com',
      password: 'Password1234',
    });
    expect(common.status).toBe(400);
    expect(browser.lastHtml).toContain('commonly used');
    const repeated = await browser.post('/console/signup', {
      email: 'a1@example.com',
      password: 'zzzzzzzzzzzzzzzz',
    });
    expect(repeated.status).toBe(400);
    const [row] = await privileged<{ n: number }>(
      h,
      "SELECT count(*)::int AS n FROM users WHERE email = 'a1@example.com'",
    );
    expect(row?.n).toBe(0);
  });

  it('stores the password as PBKDF2 and only a hash of the session id', async () => {
    const user = await signUp(h);
    const [u] = await privileged<{ password_hash: string }>(
      h,
      'SELECT password_hash FROM users WHERE email = $1',
      [user.email],
    );
    expect(u?.password_hash).toMatch(/^pbkdf2-sha256\$\d+\$/);
    expect(u?.password_hash).not.toContain(user.password);
    const sessionId = user.browser.cookies.get('auth_agent_console') ?? '';
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await privileged<{ id_hash: string }>(h, 'SELECT id_hash FROM console_sessions');
    expect(rows.some((r) => r.id_hash === sessionId)).toBe(false);
    expect(h.logs.join('\n')).not.toContain(user.password);
    expect(h.logs.join('\n')).not.toContain(sessionId);
  });

  it('logs in with the right password only, with the same answer for unknown emails', async () => {
    const user = await signUp(h);
    const other = new ConsoleBrowser(h);
    await other.get('/console/login');
    const wrong = await other.post('/console/login', {
      email: user.email,
      password: 'wrong-password-123',
    });
    expect(wrong.status).toBe(401);
    const wrongText = other.lastHtml.match(/role="alert">([^<]*)</)?.[1];
    const unknown = await other.post('/console/login', {
      email: 'nobody@example.com',
      password: 'wrong-password-123',
    });
    expect(unknown.status).toBe(401);
    expect(other.lastHtml.match(/role="alert">([^<]*)</)?.[1]).toBe(wrongText);
    const ok = await other.post('/console/login', { email: user.email, password: user.password });
    expect(ok.status).toBe(303);
    expect((await other.get('/console')).status).toBe(200);
  });

  it('logs out by deleting the session server-side', async () => {
    const user = await signUp(h);
    const stolen = user.browser.cookieHeader();
    const out = await user.browser.post('/console/logout');
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/login?done=logged-out');
    const replay = await h.request('/console/agents', {
      headers: { cookie: stolen },
      redirect: 'manual',
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/console/login');
  });

  it('changes the password: old one stops working, other sessions end', async () => {
    const user = await signUp(h);
    const second = new ConsoleBrowser(h);
    await second.get('/console/login');
    await second.post('/console/login', { email: user.email, password: user.password });
    expect((await second.get('/console/agents')).status).toBe(200);

    await user.browser.get('/console/account');
    const bad = await user.browser.post('/console/account/password', {
      current: 'not-the-password',
      next: strongPassword(),
    });
    expect(bad.status).toBe(400);
    const next = strongPassword();
    const changed = await user.browser.post('/console/account/password', {
      current: user.password,
      next,
    });
    expect(changed.status).toBe(303);
    expect((await user.browser.get('/console/agents')).status).toBe(200);
    expect((await second.get('/console/agents')).status).toBe(303);

    const third = new ConsoleBrowser(h);
    await third.get('/console/login');
    expect(
      (await third.post('/console/login', { email: user.email, password: user.password })).status,
    ).toBe(401);
    expect((await third.post('/console/login', { email: user.email, password: next })).status).toBe(
      303,
    );
  });

  it('caps verification mails at 10 an hour per owner', async () => {
    const user = await signUp(h); // the first mail
    await user.browser.get('/console/account');
    for (let i = 0; i < 9; i++) {
      const sent = await user.browser.post('/console/account/verify-email');
      expect(sent.status).toBe(303);
    }
    const refused = await user.browser.post('/console/account/verify-email');
    expect(refused.status).toBe(429);
    const mails = h.logs.filter((l) => l.includes('"mail.outbox"') && l.includes(user.email));
    expect(mails).toHaveLength(10);
  });
});
