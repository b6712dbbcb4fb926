import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, privileged, signUp } from './support/console.js';
import { createHarness, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.dispose());

async function agentCount(email: string): Promise<number> {
  const [row] = await privileged<{ n: number }>(
    h,
    'SELECT count(*)::int AS n FROM agents a JOIN users u ON u.id = a.owner_id WHERE u.email = $1',
    [email],
  );
  return row?.n ?? -1;
}

describe('CSRF protection', () => {
  it('refuses a state change without Origin, from another origin, or without the token', async () => {
    const user = await signUp(h);
    await user.browser.get('/console/agents/new');
    const fields = { label: 'csrf probe', user_email: user.email, user_name: '' };
    const noOrigin = await user.browser.post('/console/agents', fields, { origin: null });
    expect(noOrigin.status).toBe(403);
    const evil = await user.browser.post('/console/agents', fields, {
      origin: 'https://evil.example',
    });
    expect(evil.status).toBe(403);
    const noToken = await user.browser.post('/console/agents', fields, { csrf: null });
    expect(noToken.status).toBe(403);
    const wrongToken = await user.browser.post('/console/agents', fields, { csrf: 'x'.repeat(43) });
    expect(wrongToken.status).toBe(403);
    expect(await agentCount(user.email)).toBe(0);
    const ok = await user.browser.post('/console/agents', fields);
    expect(ok.status).toBe(303);
    expect(await agentCount(user.email)).toBe(1);
  });

  it("does not accept another session's token", async () => {
    const alice = await signUp(h);
    const bob = await signUp(h);
    await bob.browser.get('/console/agents/new');
    const bobsToken = bob.browser.csrf ?? '';
    const response = await alice.browser.post(
      '/console/agents',
      { label: 'x', user_email: alice.email },
      { csrf: bobsToken },
    );
    expect(response.status).toBe(403);
    expect(await agentCount(alice.email)).toBe(0);
  });

  it('accepts a Referer from the console origin when Origin is absent', async () => {
    const user = await signUp(h);
    await user.browser.get('/console/agents/new');
    const response = await h.request('/console/agents', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: user.browser.cookieHeader(),
        referer: 'http://auth.test/console/agents/new',
      },
      body: new URLSearchParams({
        csrf: user.browser.csrf ?? '',
        user_email: user.email,
      }).toString(),
    });
    expect(response.status).toBe(303);
  });

  it('protects log-in with a double-submit token (login CSRF)', async () => {
    const user = await signUp(h);
    const attacker = new ConsoleBrowser(h);
    const response = await attacker.post(
      '/console/login',
      { email: user.email, password: user.password },
      { csrf: 'y'.repeat(43) },
    );
    expect(response.status).toBe(403);
    expect(attacker.cookies.has('auth_agent_console')).toBe(false);
  });
});

describe('session lifetime', () => {
  it('ends a session after the idle timeout', async () => {
    const user = await signUp(h);
    expect((await user.browser.get('/console/agents')).status).toBe(200);
    await privileged(
      h,
      "UPDATE console_sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [user.email],
    );
    const expired = await user.browser.get('/console/agents');
    expect(expired.status).toBe(303);
    expect(expired.headers.get('location')).toBe('/console/login');
    const [row] = await privileged<{ n: number }>(
      h,
      'SELECT count(*)::int AS n FROM console_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1',
      [user.email],
    );
    expect(row?.n).toBe(0);
  });

  it('ends an active session at its absolute lifetime', async () => {
    const user = await signUp(h);
    await privileged(
      h,
      "UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [user.email],
    );
    expect((await user.browser.get('/console/agents')).status).toBe(303);
  });

  it('keeps an active session alive by moving last_seen_at', async () => {
    const user = await signUp(h);
    await privileged(
      h,
      "UPDATE console_sessions SET last_seen_at = now() - interval '29 minutes' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [user.email],
    );
    expect((await user.browser.get('/console/agents')).status).toBe(200);
    const [row] = await privileged<{ idle: number }>(
      h,
      'SELECT extract(epoch FROM now() - last_seen_at)::int AS idle FROM console_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1',
      [user.email],
    );
    expect(row?.idle).toBeLessThan(60);
  });
});

describe('session fixation', () => {
  it('issues a new session id at log-in and ignores one planted beforehand', async () => {
    const user = await signUp(h);
    const planted = 'A'.repeat(43);
    const victim = new ConsoleBrowser(h);
    victim.cookies.set('auth_agent_console', planted);
    await victim.get('/console/login');
    const login = await victim.post('/console/login', {
      email: user.email,
      password: user.password,
    });
    expect(login.status).toBe(303);
    const issued = victim.cookies.get('auth_agent_console');
    expect(issued).toBeDefined();
    expect(issued).not.toBe(planted);
    const attacker = await h.request('/console/agents', {
      headers: { cookie: `auth_agent_console=${planted}` },
      redirect: 'manual',
    });
    expect(attacker.status).toBe(303);
  });

  it('replaces an existing valid session at log-in', async () => {
    const user = await signUp(h);
    const before = user.browser.cookies.get('auth_agent_console');
    // A log-in form left open in another tab carries the double-submit token.
    const login = await user.browser.post(
      '/console/login',
      { email: user.email, password: user.password },
      { csrf: user.browser.cookies.get('auth_agent_console_csrf') ?? null },
    );
    expect(login.status).toBe(303);
    const after = user.browser.cookies.get('auth_agent_console');
    expect(after).not.toBe(before);
    const old = await h.request('/console/agents', {
      headers: { cookie: `auth_agent_console=${before}` },
      redirect: 'manual',
    });
    expect(old.status).toBe(303);
  });
});

describe('cookies on an https issuer', () => {
  it('are __Host- prefixed and Secure', async () => {
    const secure = await createHarness({ ISSUER: 'https://auth.example' });
    try {
      const page = await secure.request('/console/signup');
      const cookie = page.headers.getSetCookie().join('\n');
      expect(cookie).toMatch(
        /__Host-auth_agent_console_csrf=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax/,
      );
    } finally {
      await secure.dispose();
    }
  });
});
