import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { type ConsoleServer, launchChromium, startConsoleServer } from './chromium.js';
import { strongPassword } from './console.js';
import { type SmtpReceiver, startSmtpReceiver } from './smtp-receiver.js';

// Shared by console-log-in-browser and console-admin-browser.embedded.test.ts: console
// accounts in headless Chromium, desktop and phone.
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const SIZES = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;

export async function submit(page: Page, button: string) {
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
}

export async function logOut(page: Page) {
  await submit(page, 'Log out');
}

/** The page never scrolls sideways: nothing is wider than the viewport. */
export async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('accountsConsole: start() has not run');
  return value;
}

/**
 * A server at http://127.0.0.1:`port` that mails through an SMTP receiver on `smtpPort`,
 * Chromium, and an administrator made from the setup link: start() in beforeAll (when
 * Chromium is installed), close() in afterAll.
 */
export function accountsConsole(port: number, smtpPort: number) {
  const issuer = `http://127.0.0.1:${port}`;
  const admin = { email: 'admin@example.com', password: strongPassword() };
  let server: ConsoleServer | undefined;
  let smtp: SmtpReceiver | undefined;
  let browser: Browser | undefined;

  async function newPage(viewport: { width: number; height: number }): Promise<Page> {
    const context = await started(browser).newContext({ viewport });
    return context.newPage();
  }

  async function logIn(page: Page, email: string, password: string) {
    await page.goto(`${issuer}/console/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await submit(page, 'Log in');
  }

  async function signUp(page: Page, email: string, password: string) {
    await page.goto(`${issuer}/console/signup`);
    await page.getByLabel('Email').fill(email);
    await page.locator('#password').fill(password);
    await submit(page, 'Create account');
    expect(new URL(page.url()).pathname).toBe('/console');
  }

  return {
    admin,
    newPage,
    logIn,
    signUp,
    /** What the server mailed. */
    get smtp(): SmtpReceiver {
      return started(smtp);
    },
    async start() {
      smtp = await startSmtpReceiver(smtpPort);
      server = await startConsoleServer(port, 'warn', {
        SMTP_URL: smtp.url,
        RATE_LIMITS: 'console_login=1000/1000,console_signup=1000/1000',
      });
      browser = await launchChromium();
      const page = await newPage(DESKTOP);
      await page.goto(server.server.setupLink ?? '');
      await page.getByLabel('Email').fill(admin.email);
      await page.locator('#password').fill(admin.password);
      await submit(page, 'Create administrator');
      await page.context().close();
    },
    async close() {
      await browser?.close();
      await server?.close();
      await smtp?.close();
    },
  };
}
