import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConsoleBrowser,
  consoleLogin,
  privileged,
  signUp,
  strongPassword,
} from './support/console.js';
import { createHarness, type Harness, ISSUER } from './support/harness.js';
import { linkInMail, type SmtpReceiver, startSmtpReceiver } from './support/smtp-receiver.js';

// "Forgot password?" by mail (docs/console.md): a one-time link, 30 minutes, stored hashed,
// the same answer for every address, and no pretending when no mail can be sent.
let smtp: SmtpReceiver;
let h: Harness;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  h = await createHarness({ SMTP_URL: smtp.url });
});
afterAll(async () => {
  await h.dispose();
  await smtp.close();
});

async function askForReset(email: string): Promise<string> {
  const browser = new ConsoleBrowser(h);
  await browser.get('/console/forgot-password');
  const response = await browser.post('/console/forgot-password', { email });
  expect(response.status).toBe(200);
  return browser.lastHtml;
}

function resetMails(to: string): string[] {
  return smtp.messages
    .filter((m) => m.includes(`To: ${to}`))
    .flatMap((m) => linkInMail(m, ISSUER, '/console/reset-password') ?? []);
}

async function mailedResetLink(to: string, count = 1): Promise<string> {
  await expect.poll(() => resetMails(to).length).toBeGreaterThanOrEqual(count);
  const link = resetMails(to).at(-1) ?? '';
  return new URL(link).searchParams.get('token') ?? '';
}

describe('forgot password', () => {
  it('offers the link on the log-in page', async () => {
    const browser = new ConsoleBrowser(h);
    await browser.get('/console/login');
    expect(browser.lastHtml).toContain('href="/console/forgot-password"');
  });

  it('mails a one-time link that sets a new password and ends every session', async () => {
    const user = await signUp(h);
    const page = await askForReset(user.email.toUpperCase());
    const token = await mailedResetLink(user.email);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Stored hashed, expiring in 30 minutes.
    const rows = await privileged<{ token_hash: string; minutes: number }>(
      h,
      `SELECT token_hash, round(extract(epoch FROM expires_at - created_at) / 60)::int AS minutes
       FROM password_resets`,
    );
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
    expect(rows.every((r) => r.minutes === 30)).toBe(true);
    expect(h.logs.join('\n')).not.toContain(token);

    const browser = new ConsoleBrowser(h);
    await browser.get(`/console/reset-password?token=${token}`);
    expect(browser.lastHtml).toContain(user.email);
    const weak = await browser.post('/console/reset-password', { token, password: 'password' });
    expect(weak.status).toBe(400);
    const password = strongPassword();
    const done = await browser.post('/console/reset-password', { token, password });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/console/login?done=password-reset');

    // The signed-in browser of before is logged out; the old password is dead.
    expect((await user.browser.get('/console/agents')).status).toBe(303);
    expect((await consoleLogin(h, user.email, user.password)).status).toBe(401);
    expect((await consoleLogin(h, user.email, password)).status).toBe(303);
    // The link works once.
    const again = await browser.post('/console/reset-password', {
      token,
      password: strongPassword(),
    });
    expect(again.status).toBe(400);
    expect((await new ConsoleBrowser(h).get(`/console/reset-password?token=${token}`)).status).toBe(
      400,
    );
    expect(page).toContain('If an account uses');

    await h.ctx.security.flush();
    const events = await privileged<{ event: string }>(
      h,
      `SELECT event FROM security_events WHERE event LIKE 'user.password_reset%' ORDER BY id`,
    );
    expect(events.map((e) => e.event)).toEqual([
      'user.password_reset_requested',
      'user.password_reset',
    ]);
  });

  it('answers an unknown address exactly as a known one, and mails nothing', async () => {
    const user = await signUp(h);
    const before = smtp.messages.length;
    const known = await askForReset(user.email);
    await mailedResetLink(user.email);
    const unknown = await askForReset('nobody-here@example.com');
    const strip = (page: string, email: string) =>
      page
        .replaceAll(email, 'EMAIL')
        .replace(/(value|nonce)="[^"]+"/g, '$1=""')
        .replace(/nonce-[^']+'/g, '');
    expect(strip(unknown, 'nobody-here@example.com')).toBe(strip(known, user.email));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.messages.slice(before).some((m) => m.includes('nobody-here'))).toBe(false);
  });

  it('refuses an expired link and a made-up one', async () => {
    const user = await signUp(h);
    await askForReset(user.email);
    const token = await mailedResetLink(user.email);
    await privileged(
      h,
      `UPDATE password_resets SET created_at = now() - interval '31 minutes',
              expires_at = now() - interval '1 minute' WHERE used_at IS NULL`,
    );
    const browser = new ConsoleBrowser(h);
    await browser.get('/console/login');
    expect((await browser.get(`/console/reset-password?token=${token}`)).status).toBe(400);
    const made = 'A'.repeat(43);
    expect((await browser.get(`/console/reset-password?token=${made}`)).status).toBe(400);
    const post = await browser.post('/console/reset-password', {
      token,
      password: strongPassword(),
    });
    expect(post.status).toBe(400);
    expect((await consoleLogin(h, user.email, user.password)).status).toBe(303);
  });

  it('mails an account at most three links an hour, with the same answer', async () => {
    const user = await signUp(h);
    for (let i = 0; i < 5; i++) await askForReset(user.email);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [row] = await privileged<{ n: number }>(
      h,
      `SELECT count(*)::int AS n FROM password_resets r JOIN users u ON u.id = r.user_id
       WHERE u.email = $1`,
      [user.email],
    );
    expect(row?.n).toBe(3);
    expect(resetMails(user.email).length).toBe(3);
  });

  it('keeps the application role away from the reset tokens', async () => {
    const user = await signUp(h);
    await user.browser.get('/console');
    const rows = await h.db.driver
      .query('SELECT count(*) FROM password_resets')
      .then(() => 'readable')
      .catch((error: { code?: string }) => error.code);
    expect(rows).toBe('42501');
  });
});

describe('without SMTP_URL', () => {
  let dev: Harness;
  beforeAll(async () => {
    dev = await createHarness();
  });
  afterAll(() => dev.dispose());

  it('says that no reset mail can be sent, instead of claiming one was', async () => {
    const user = await signUp(dev);
    const browser = new ConsoleBrowser(dev);
    await browser.get('/console/login');
    await browser.get('/console/forgot-password');
    expect(browser.lastHtml).toContain('cannot send mail');
    expect(browser.lastHtml).not.toContain('name="email"');
    await browser.post('/console/forgot-password', { email: user.email });
    expect(browser.lastHtml).toContain('cannot send mail');
    expect(browser.lastHtml).not.toContain('we sent');
    const [row] = await privileged<{ n: number }>(
      dev,
      'SELECT count(*)::int AS n FROM password_resets',
    );
    expect(row?.n).toBe(0);
  });

  it('does not claim a confirmation link was mailed', async () => {
    const user = await signUp(dev);
    expect(user.browser.lastHtml).not.toContain('we sent a link');
    expect(user.browser.lastHtml).toContain('cannot send mail');
    await user.browser.get('/console/account');
    const resend = await user.browser.post('/console/account/verify-email');
    expect(resend.headers.get('location')).toBe('/console/account?done=verification-logged');
    await user.browser.get(resend.headers.get('location') ?? '');
    expect(user.browser.lastHtml).toContain('no mail was sent');
  });
});
