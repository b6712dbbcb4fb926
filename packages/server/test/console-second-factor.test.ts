import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hotp, totpStep } from '../src/crypto/totp.js';
import { fromBase32 } from './support/base32.js';
import {
  ConsoleBrowser,
  type ConsoleUser,
  consoleLogin,
  privileged,
  signUp,
} from './support/console.js';
import { createHarness, type Harness } from './support/harness.js';

// Two-step log-in for the console (TOTP, RFC 6238; docs/console.md).
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ LOCKOUT_MAX_FAILURES: '4', LOCKOUT_DURATION: '60' });
});
afterAll(() => h.dispose());

/** The step the enrolment's code was for: codes are taken relative to it, so a step that
 * ends mid-test changes nothing (codes of one step either side stay valid). */
let enrolStep = 0;
function codeAt(secret: Buffer, offset = 0): string {
  return hotp(secret, enrolStep + offset);
}

function pre(html: string, id: string): string {
  const value = new RegExp(`<pre id="${id}">([^<]+)</pre>`).exec(html)?.[1];
  if (!value) throw new Error(`no #${id} on the page`);
  return value.replaceAll('&#x2F;', '/').replaceAll('&amp;', '&').replaceAll('&#x3D;', '=');
}

async function enrol(user: ConsoleUser): Promise<{ secret: Buffer; recovery: string[] }> {
  await user.browser.get('/console/account/second-factor');
  expect(user.browser.lastHtml).toContain('is <strong>off</strong>');
  const start = await user.browser.post('/console/account/second-factor/start');
  expect(start.status).toBe(303);
  await user.browser.get('/console/account/second-factor');
  const uri = new URL(pre(user.browser.lastHtml, 'totp-uri'));
  expect(uri.protocol).toBe('otpauth:');
  const secret = fromBase32(pre(user.browser.lastHtml, 'totp-key'));
  expect(secret.length).toBe(20);
  expect(uri.searchParams.get('secret')).toBe(
    pre(user.browser.lastHtml, 'totp-key').replace(/ /g, ''),
  );
  enrolStep = totpStep(Date.now());
  const wrong = await user.browser.post('/console/account/second-factor/confirm', {
    code: codeAt(secret, 5),
  });
  expect(wrong.status).toBe(400);
  const on = await user.browser.post('/console/account/second-factor/confirm', {
    code: codeAt(secret),
  });
  expect(on.status).toBe(200);
  const recovery = pre(user.browser.lastHtml, 'recovery-codes').split('\n');
  expect(recovery).toHaveLength(10);
  return { secret, recovery };
}

async function passwordStep(user: ConsoleUser): Promise<ConsoleBrowser> {
  const browser = new ConsoleBrowser(h);
  await browser.get('/console/login');
  const response = await browser.post('/console/login', {
    email: user.email,
    password: user.password,
  });
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe('/console/login/code');
  await browser.get('/console/login/code');
  return browser;
}

describe('two-step log-in', () => {
  it('enrols, stores the secret sealed and the recovery codes hashed', async () => {
    const user = await signUp(h);
    const { secret, recovery } = await enrol(user);
    const [row] = await privileged<{ sealed_secret: string; last_step: string }>(
      h,
      'SELECT t.sealed_secret, t.last_step::text FROM console_totp t JOIN users u ON u.id = t.user_id WHERE u.email = $1',
      [user.email],
    );
    expect(row?.sealed_secret).toBeDefined();
    expect(Buffer.from(row?.sealed_secret ?? '', 'base64url').includes(secret)).toBe(false);
    const hashes = await privileged<{ code_hash: string }>(
      h,
      'SELECT code_hash FROM console_recovery_codes',
    );
    for (const code of recovery) {
      expect(hashes.map((r) => r.code_hash).join()).not.toContain(code.replace(/-/g, ''));
    }
    // The application role cannot read the table directly.
    const direct = await h.db.driver
      .query('SELECT * FROM console_totp')
      .then(() => 'readable')
      .catch((error: { code?: string }) => error.code);
    expect(direct).toBe('42501');
  });

  it('asks for the code after the password, and accepts each code once', async () => {
    const user = await signUp(h);
    const { secret } = await enrol(user);
    const browser = await passwordStep(user);
    // The password alone opens no session.
    expect((await browser.get('/console/agents')).status).toBe(303);
    await browser.get('/console/login/code');
    // The code that confirmed the enrolment was used: a replay.
    const replay = await browser.post('/console/login/code', { code: codeAt(secret) });
    expect(replay.status).toBe(401);
    expect(browser.lastHtml).toContain('already used');
    const ok = await browser.post('/console/login/code', { code: codeAt(secret, 1) });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/console');
    expect((await browser.get('/console/agents')).status).toBe(200);
    // The same code from another log-in is refused too.
    const second = await passwordStep(user);
    expect((await second.post('/console/login/code', { code: codeAt(secret, 1) })).status).toBe(
      401,
    );
  });

  it('accepts a recovery code once', async () => {
    const user = await signUp(h);
    const { recovery } = await enrol(user);
    const code = recovery[0] ?? '';
    const browser = await passwordStep(user);
    expect((await browser.post('/console/login/code', { code: code.toLowerCase() })).status).toBe(
      303,
    );
    const again = await passwordStep(user);
    expect((await again.post('/console/login/code', { code })).status).toBe(401);
    await h.ctx.security.flush();
    const [event] = await privileged<{ details: { second_factor?: string } }>(
      h,
      `SELECT details FROM security_events WHERE event = 'user.authentication'
       AND details ? 'second_factor' ORDER BY id DESC LIMIT 1`,
    );
    expect(event?.details.second_factor).toBe('recovery_code');
  });

  it('counts wrong codes toward the lockout', async () => {
    const user = await signUp(h);
    const { secret } = await enrol(user);
    const browser = await passwordStep(user);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await browser.post('/console/login/code', { code: '000000' })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    // Locked: even the right code, and the right password, are refused now.
    expect((await browser.post('/console/login/code', { code: codeAt(secret) })).status).toBe(429);
    expect((await consoleLogin(h, user.email, user.password)).status).toBe(401);
  });

  it('sends an expired or missing pending log-in back to the password', async () => {
    const user = await signUp(h);
    const { secret } = await enrol(user);
    const browser = await passwordStep(user);
    await privileged(
      h,
      `UPDATE console_login_challenges SET expires_at = now() - interval '1 second'`,
    );
    const late = await browser.post('/console/login/code', { code: codeAt(secret) });
    expect(late.headers.get('location')).toBe('/console/login?done=login-expired');
    const stranger = new ConsoleBrowser(h);
    expect((await stranger.get('/console/login/code')).headers.get('location')).toBe(
      '/console/login',
    );
  });

  it('turns off only with the password and a fresh code', async () => {
    const user = await signUp(h);
    const { secret } = await enrol(user);
    await user.browser.get('/console/account/second-factor');
    const wrongPassword = await user.browser.post('/console/account/second-factor/disable', {
      password: 'not-the-password',
      code: codeAt(secret, 1),
    });
    expect(wrongPassword.status).toBe(400);
    // The enrolment's code was used already.
    const used = await user.browser.post('/console/account/second-factor/disable', {
      password: user.password,
      code: codeAt(secret),
    });
    expect(used.status).toBe(400);
    const off = await user.browser.post('/console/account/second-factor/disable', {
      password: user.password,
      code: codeAt(secret, 1),
    });
    expect(off.status).toBe(303);
    const login = await consoleLogin(h, user.email, user.password);
    expect(login.headers.get('location')).toBe('/console');
  });
});
