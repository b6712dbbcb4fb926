import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hotp, totpStep } from '../src/crypto/totp.js';
import { accountsConsole, fitsWidth, logOut, SIZES, submit } from './support/accounts-browser.js';
import { fromBase32 } from './support/base32.js';
import { CHROMIUM, shot } from './support/chromium.js';
import { strongPassword } from './support/console.js';
import { linkInMail } from './support/smtp-receiver.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

// Logging in to the console in headless Chromium, desktop and phone: forgot password by mail,
// two-step log-in (console-admin-browser.embedded.test.ts: admins managing users). Ports from
// this suite's range (18200-18299).
const PORT = 18240;
const SMTP_PORT = 18241;
const ISSUER = `http://127.0.0.1:${PORT}`;

const ui = accountsConsole(PORT, SMTP_PORT);
const { newPage, logIn, signUp } = ui;

beforeAll(async () => {
  if (existsSync(CHROMIUM)) await ui.start();
});
afterAll(() => ui.close());

describe.skipIf(!existsSync(CHROMIUM))('console accounts in headless Chromium', () => {
  for (const [size, viewport] of SIZES) {
    it(`forgot password: mail, reset, log in with the new password (${size})`, async () => {
      const email = `forgot-${size}@example.com`;
      const page = await newPage(viewport);
      await signUp(page, email, strongPassword());
      await logOut(page);
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await page.getByLabel('Email').fill(email);
      if (size === 'desktop') await shot(page, 'forgot-password');
      await submit(page, 'Send reset link');
      expect(await page.getByRole('heading', { name: 'Check your mail' }).isVisible()).toBe(true);
      expect(await fitsWidth(page)).toBe(true);
      let link: string | undefined;
      await expect
        .poll(() => {
          const mail = ui.smtp.messages.find(
            (m) => m.includes(`To: ${email}`) && /reset-password/.test(m.replace(/=\r?\n/g, '')),
          );
          link = mail ? linkInMail(mail, ISSUER, '/console/reset-password') : undefined;
          return link;
        })
        .toBeDefined();
      await page.goto(link ?? '');
      const password = strongPassword();
      await page.locator('#password').fill(password);
      if (size === 'desktop') await shot(page, 'reset-password');
      if (size === 'phone') {
        expect(await fitsWidth(page)).toBe(true);
        await shot(page, 'reset-password-phone');
      }
      await submit(page, 'Set new password');
      expect(new URL(page.url()).pathname).toBe('/console/login');
      expect(await page.getByText('Your password was changed').isVisible()).toBe(true);
      await logIn(page, email, password);
      expect(new URL(page.url()).pathname).toBe('/console');
      // The link is spent.
      await page.goto(link ?? '');
      expect(
        await page.getByRole('heading', { name: 'This reset link is not valid' }).isVisible(),
      ).toBe(true);
      await page.context().close();
    });
  }

  for (const [size, viewport] of SIZES) {
    it(`two-step log-in: enrol, log in with a code, then with a recovery code (${size})`, async () => {
      const email = `totp-${size}@example.com`;
      const password = strongPassword();
      const page = await newPage(viewport);
      await signUp(page, email, password);
      await page.getByRole('link', { name: 'Account' }).click();
      await page.getByRole('link', { name: 'Set up or manage two-step log-in' }).click();
      await submit(page, 'Set up two-step log-in');
      const key = ((await page.locator('#totp-key').textContent()) ?? '').replace(/\s/g, '');
      expect(key).toMatch(/^[A-Z2-7]{32}$/);
      const uri = (await page.locator('#totp-uri').textContent()) ?? '';
      expect(uri).toMatch(/^otpauth:\/\/totp\//);
      const secret = fromBase32(key);
      if (size === 'desktop') await shot(page, 'two-step-setup');
      else expect(await fitsWidth(page)).toBe(true);
      const enrolStep = totpStep(Date.now());
      await page.getByLabel('Code from the app').fill(hotp(secret, enrolStep));
      await submit(page, 'Turn on');
      const recovery = ((await page.locator('#recovery-codes').textContent()) ?? '').split('\n');
      expect(recovery).toHaveLength(10);
      if (size === 'desktop') await shot(page, 'recovery-codes');
      await page.getByRole('link', { name: 'Done' }).click();
      await logOut(page);

      await logIn(page, email, password);
      expect(new URL(page.url()).pathname).toBe('/console/login/code');
      if (size === 'desktop') await shot(page, 'login-code');
      else {
        expect(await fitsWidth(page)).toBe(true);
        await shot(page, 'login-code-phone');
      }
      // The enrolment's code was spent: refused; the next step's works.
      await page.getByLabel('Code').fill(hotp(secret, enrolStep));
      await submit(page, 'Log in');
      expect(await page.getByText('That code is wrong, or was already used.').isVisible()).toBe(
        true,
      );
      await page.getByLabel('Code').fill(hotp(secret, enrolStep + 1));
      await submit(page, 'Log in');
      expect(new URL(page.url()).pathname).toBe('/console');
      await logOut(page);

      await logIn(page, email, password);
      await page.getByLabel('Code').fill(recovery[0] ?? '');
      await submit(page, 'Log in');
      expect(new URL(page.url()).pathname).toBe('/console');
      await page.goto(`${ISSUER}/console/account/second-factor`);
      expect(await page.getByText('9 recovery codes left').isVisible()).toBe(true);
      await page.context().close();
    });
  }
});
