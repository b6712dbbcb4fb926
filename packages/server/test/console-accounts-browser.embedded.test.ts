import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { hotp, totpStep } from '../src/crypto/totp.js';
import { createLogger } from '../src/logger.js';
import { type RunningServer, startServer } from '../src/start-server.js';
import { strongPassword } from './support/console.js';
import { linkInMail, type SmtpReceiver, startSmtpReceiver } from './support/smtp-receiver.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

// Console accounts in headless Chromium, desktop and phone: forgot password by mail, two-step
// log-in, admins managing users. Ports from this suite's range (18200-18299).
const PORT = 18240;
const SMTP_PORT = 18241;
const ISSUER = `http://127.0.0.1:${PORT}`;
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../../docs/screenshots/', import.meta.url);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SIZES = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;

let server: RunningServer;
let smtp: SmtpReceiver;
let browser: Browser;
let dataDir: string;
const admin = { email: 'admin@example.com', password: strongPassword() };

async function shot(page: Page, name: string) {
  await page.screenshot({ path: new URL(`console-${name}.png`, SHOTS).pathname, fullPage: true });
}

async function newPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}

async function submit(page: Page, button: string) {
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
}

async function logIn(page: Page, email: string, password: string) {
  await page.goto(`${ISSUER}/console/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await submit(page, 'Log in');
}

async function signUp(page: Page, email: string, password: string) {
  await page.goto(`${ISSUER}/console/signup`);
  await page.getByLabel('Email').fill(email);
  await page.locator('#password').fill(password);
  await submit(page, 'Create account');
  expect(new URL(page.url()).pathname).toBe('/console');
}

async function logOut(page: Page) {
  await submit(page, 'Log out');
}

/** The page never scrolls sideways: nothing is wider than the viewport. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  mkdirSync(SHOTS, { recursive: true });
  smtp = await startSmtpReceiver(SMTP_PORT);
  dataDir = mkdtempSync(join(tmpdir(), 'auth-agent-accounts-'));
  const config = loadConfig({
    PORT: String(PORT),
    HOST: '127.0.0.1',
    ISSUER,
    AUTH_AGENT_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SMTP_URL: smtp.url,
    RATE_LIMITS: 'console_login=1000/1000,console_signup=1000/1000',
  });
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  server = await startServer(config, createLogger('warn', sink));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const page = await newPage(DESKTOP);
  await page.goto(server.setupLink ?? '');
  await page.getByLabel('Email').fill(admin.email);
  await page.locator('#password').fill(admin.password);
  await submit(page, 'Create administrator');
  await page.context().close();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await smtp?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

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
          const mail = smtp.messages.find(
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

  it('admin: promote, demote, last-admin refusal, delete (desktop)', async () => {
    const member = await newPage(DESKTOP);
    await signUp(member, 'member@example.com', strongPassword());
    await member.goto(`${ISSUER}/console/agents/new`);
    await member.getByLabel('Agent name').fill('Member research assistant');
    await submit(member, 'Create agent');

    const page = await newPage(DESKTOP);
    await logIn(page, admin.email, admin.password);
    await page.goto(`${ISSUER}/console/admin`);
    const row = page.locator('tr', { hasText: 'member@example.com' });
    await row.getByRole('link', { name: 'Make admin' }).click();
    expect(await page.getByText('will see and manage every user').isVisible()).toBe(true);
    await shot(page, 'admin-confirm-promote');
    await submit(page, 'Make administrator');
    expect(await page.getByText('Role changed.').isVisible()).toBe(true);
    expect(await row.locator('td[data-label="Role"]').textContent()).toBe('admin');
    await row.getByRole('link', { name: 'Make plain user' }).click();
    await submit(page, 'Make plain user');
    expect(await row.locator('td[data-label="Role"]').textContent()).toBe('user');

    // The only admin cannot step down or delete themselves.
    const self = page.locator('tr', { hasText: admin.email });
    await self.getByRole('link', { name: 'Make plain user' }).click();
    await submit(page, 'Make plain user');
    expect(await page.getByText('This is the only administrator').isVisible()).toBe(true);
    await shot(page, 'admin-last-admin');
    await page.goto(`${ISSUER}/console/admin`);
    await self.getByRole('link', { name: 'Delete' }).click();
    await submit(page, 'Delete account');
    expect(await page.getByText('This is the only administrator').isVisible()).toBe(true);

    await page.goto(`${ISSUER}/console/admin`);
    await row.getByRole('link', { name: 'Delete' }).click();
    expect(await page.getByText('1 agent(s) and 0 website(s)').isVisible()).toBe(true);
    await shot(page, 'admin-confirm-delete');
    await submit(page, 'Delete account');
    expect(await page.getByText('Account deleted').isVisible()).toBe(true);
    expect(await page.locator('tr', { hasText: 'member@example.com' }).count()).toBe(0);
    await shot(page, 'admin-users');
    // The deleted member's browser is logged out.
    await member.goto(`${ISSUER}/console/agents`);
    expect(new URL(member.url()).pathname).toBe('/console/login');
    await member.context().close();
    await page.context().close();
  });

  it('admin page on a phone: no sideways scrolling, ids not one character per line', async () => {
    const owner = await newPage(PHONE);
    await signUp(owner, 'phone-owner@example.com', strongPassword());
    await owner.goto(`${ISSUER}/console/agents/new`);
    await owner.getByLabel('Agent name').fill('Phone agent');
    await submit(owner, 'Create agent');
    await owner.context().close();

    const page = await newPage(PHONE);
    await logIn(page, admin.email, admin.password);
    await page.goto(`${ISSUER}/console/admin`);
    expect(await fitsWidth(page)).toBe(true);
    const ids = page.locator('td code');
    expect(await ids.count()).toBeGreaterThan(0);
    for (const id of await ids.all()) {
      const box = await id.boundingBox();
      const lineHeight = await id.evaluate(
        (el) => Number.parseFloat(getComputedStyle(el).lineHeight) || 20,
      );
      // An id of ~40 characters fits in at most two lines, and is wider than a few letters.
      expect(box?.width ?? 0).toBeGreaterThan(120);
      expect(box?.height ?? 0).toBeLessThanOrEqual(lineHeight * 2.5);
    }
    // Every action button is inside the viewport (none cut off at the right edge).
    for (const button of await page.locator('td button, td a.button').all()) {
      const box = await button.boundingBox();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    }
    await shot(page, 'admin-phone');
    await page.context().close();
  });
});

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function fromBase32(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of text) {
    value = (value << 5) | ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
