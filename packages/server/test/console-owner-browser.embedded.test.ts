import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../src/config/rate-limits.js';
import { browserSignIn } from './support/browser-sign-in.js';
import {
  CHROMIUM,
  type ConsoleServer,
  launchChromium,
  shot,
  startConsoleServer,
} from './support/chromium.js';
import { strongPassword } from './support/console.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

// What an owner does day to day, in Chromium at desktop and phone sizes, against a running
// server: unlock an agent from its page, read and export the security log, confirm before
// destroying, reload after create, and rotate a website's secret with an overlap.
// Ports from the console suite's range (18200-18299).
const PORT = 18220;
const CALLBACK_PORT = 18221;
const ISSUER = `http://127.0.0.1:${PORT}`;
const REDIRECT_URI = `http://127.0.0.1:${CALLBACK_PORT}/callback`;
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

let server: ConsoleServer;
let website: Server;
let browser: Browser;
let logs: string[] = [];
const callbacks: URL[] = [];
const admin = { email: 'admin@example.com', password: strongPassword() };
const { json, basic, introspect, openSignIn, authenticate, signIn } = browserSignIn(
  ISSUER,
  REDIRECT_URI,
);

/** Clicks and waits for the page the click leads to (after any redirect). */
async function go(page: Page, click: () => Promise<void>) {
  await Promise.all([page.waitForEvent('framenavigated'), click()]);
  await page.waitForLoadState('load');
}

const button = (page: Page, name: string) =>
  go(page, () => page.getByRole('button', { name, exact: true }).click());
const link = (page: Page, name: string) =>
  go(page, () => page.getByRole('link', { name, exact: true }).click());

/** No horizontal scrolling: the page is no wider than the window. */
async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  server = await startConsoleServer(PORT, 'info', {
    LOCKOUT_MAX_FAILURES: '2',
    RATE_LIMITS: Object.keys(DEFAULT_RATE_LIMITS)
      .map((name) => `${name}=100000/100000`)
      .join(','),
  });
  logs = server.logs;
  website = createServer((req, res) => {
    callbacks.push(new URL(req.url ?? '/', `http://127.0.0.1:${CALLBACK_PORT}`));
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Signed in to the shop</h1>');
  });
  await new Promise<void>((resolve) => website.listen(CALLBACK_PORT, '127.0.0.1', resolve));
  browser = await launchChromium();
  // The administrator, from the first-run setup link.
  const page = await browser.newPage();
  await page.goto(server.server.setupLink ?? '');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password at least 12 characters, not a common one').fill(admin.password);
  await button(page, 'Create administrator');
  await page.close();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => website?.close(resolve));
  await server?.close();
});

describe.skipIf(!existsSync(CHROMIUM))('an owner in the console, in Chromium', () => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    it(`at ${size} size: reload after create, unlock, signed-in agents, log, confirmations, overlap`, async () => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${ISSUER}/console/signup`);
      await page.getByLabel('Email').fill(`owner-${size}@example.com`);
      await page
        .getByLabel('Password at least 12 characters, not a common one')
        .fill(strongPassword());
      await button(page, 'Create account');

      // 1. Register a website: the secret is on a one-time page; a reload shows it no more
      // and registers nothing again.
      await page.goto(`${ISSUER}/console/websites/new`);
      await page.getByLabel('Website name').fill(`Shop ${size}`);
      await page.getByLabel('Redirect URIs').fill(REDIRECT_URI);
      await button(page, 'Register website');
      expect(new URL(page.url()).pathname).toMatch(/^\/console\/once\//);
      const clientId = (await page.locator('#client-id').textContent()) ?? '';
      const firstSecret = (await page.locator('#client-secret').textContent()) ?? '';
      expect(firstSecret).toMatch(/^aa_cs_/);
      await page.reload();
      expect(
        await page.getByRole('heading', { name: 'This page was shown once' }).isVisible(),
      ).toBe(true);
      expect(await page.content()).not.toContain(firstSecret);
      await page.goto(`${ISSUER}/console/websites`);
      expect(await page.getByRole('link', { name: `Shop ${size}` }).count()).toBe(1);
      const siteHref =
        (await page.getByRole('link', { name: `Shop ${size}` }).getAttribute('href')) ?? '';

      // 2. Create an agent, the same way.
      await page.goto(`${ISSUER}/console/agents/new`);
      await page.getByLabel('Agent name').fill(`Helper ${size}`);
      await button(page, 'Create agent');
      const agentId = (await page.locator('#agent-id').textContent()) ?? '';
      const agentSecret = (await page.locator('#agent-secret').textContent()) ?? '';
      await page.reload();
      expect(await page.content()).not.toContain(agentSecret);
      await page.goto(`${ISSUER}/console/agents`);
      expect(await page.getByRole('link', { name: `Helper ${size}` }).count()).toBe(1);
      const agentHref =
        (await page.getByRole('link', { name: `Helper ${size}` }).getAttribute('href')) ?? '';
      const agent = { agentId, agentSecret };
      const site = { clientId, secret: firstSecret };

      // 3. A real sign-in, then two wrong secrets lock the agent for this address; the owner
      // sees it on the agent's page and unlocks it there, while the server runs.
      const token = await signIn(context, site, agent);
      for (const wrong of ['wrong-1', 'wrong-2']) {
        const { page: signin, requestId } = await openSignIn(context, clientId);
        expect((await authenticate(requestId, agentId, wrong)).status).toBe(401);
        await signin.close();
      }
      const locked = await openSignIn(context, clientId);
      expect((await authenticate(locked.requestId, agentId, agentSecret)).status).toBe(403);
      await page.goto(`${ISSUER}${agentHref}`);
      expect(await page.locator('[data-sign-in-state="locked"]').isVisible()).toBe(true);
      expect(await page.getByText('Wrong secrets (24 h)').isVisible()).toBe(true);
      await shot(page, size === 'desktop' ? 'agent-locked' : 'agent-locked-phone');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await button(page, 'Unlock');
      expect(await page.getByText('Unlocked. It can sign in again').isVisible()).toBe(true);
      expect(await page.locator('[data-sign-in-state="open"]').isVisible()).toBe(true);
      expect((await authenticate(locked.requestId, agentId, agentSecret)).status).toBe(200);
      await locked.page.close();

      // 4. The website's page lists the agent signed in, with its own Revoke.
      await page.goto(`${ISSUER}${siteHref}`);
      expect(await page.getByRole('cell', { name: new RegExp(agentId) }).isVisible()).toBe(true);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      if (size === 'desktop') await shot(page, 'website-agents');

      // 5. The security log: inside the console, newest first, names beside ids, no
      // horizontal overflow, CSV and JSON export from the page.
      await page.goto(`${ISSUER}/console/security`);
      expect(await page.getByRole('navigation', { name: 'Console' }).isVisible()).toBe(true);
      const times = await page
        .locator('table.log time')
        .evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
      expect(times.length).toBeGreaterThan(5);
      expect([...times].sort().reverse()).toEqual(times);
      expect(
        await page.locator('table.log strong', { hasText: `Helper ${size}` }).count(),
      ).toBeGreaterThan(0);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      if (size === 'desktop') await shot(page, 'security-log');
      else {
        // A phone's screenful where the entries start (the whole log is a long scroll).
        await page.locator('table.log').scrollIntoViewIfNeeded();
        await shot(page, 'security-log-phone', false);
      }
      const csvHref =
        (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')) ?? '';
      const csv = await page.request.get(`${ISSUER}${csvHref}`);
      expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
      expect((await csv.text()).split('\r\n')[0]).toMatch(/^id,occurred_at,event,outcome/);
      const jsonHref =
        (await page.getByRole('link', { name: 'Export JSON' }).getAttribute('href')) ?? '';
      const exported = (await (await page.request.get(`${ISSUER}${jsonHref}`)).json()) as {
        events: { event: string; details: { action?: string } }[];
      };
      expect(exported.events.some((e) => e.details.action === 'agent.create')).toBe(true);
      await page.getByLabel('Event').selectOption('owner.action');
      await button(page, 'Filter');
      expect(await page.getByLabel('Event').inputValue()).toBe('owner.action');
      expect(new URL(page.url()).searchParams.get('event')).toBe('owner.action');

      // 6. Deleting asks first and names what breaks; Cancel leaves the agent.
      await page.goto(`${ISSUER}${agentHref}`);
      await link(page, 'Delete agent');
      expect(await page.getByRole('heading', { name: `Delete Helper ${size}?` }).isVisible()).toBe(
        true,
      );
      expect(await page.getByText(/End its 1 sign-in \(Shop/).isVisible()).toBe(true);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      if (size === 'desktop') await shot(page, 'confirm-delete-agent');
      await link(page, 'Cancel');
      expect(new URL(page.url()).pathname).toBe(agentHref);

      // 7. Rotating the website's secret asks first; then both secrets work until the owner
      // ends the overlap.
      await page.goto(`${ISSUER}${siteHref}`);
      await link(page, 'Rotate client secret');
      expect(await page.getByText(/Keep the current secret working for 24 hours/).isVisible()).toBe(
        true,
      );
      if (size === 'desktop') await shot(page, 'confirm-rotate-website');
      await button(page, 'Rotate client secret');
      const newSecret = (await page.locator('#client-secret').textContent()) ?? '';
      expect(newSecret).not.toBe(firstSecret);
      expect(await introspect(clientId, firstSecret, token)).toBe(200);
      expect(await introspect(clientId, newSecret, token)).toBe(200);
      await page.goto(`${ISSUER}${siteHref}`);
      expect(await page.locator('[data-overlap]').isVisible()).toBe(true);
      if (size === 'desktop') await shot(page, 'website-overlap');
      await button(page, 'Stop the previous secret now');
      expect(await page.getByText('The previous client secret no longer works.').isVisible()).toBe(
        true,
      );
      expect(await introspect(clientId, firstSecret, token)).toBe(401);
      expect(await introspect(clientId, newSecret, token)).toBe(200);

      // 8. The administrator's "Revoke all tokens" asks first too.
      const adminPage = await browser.newPage({ viewport });
      await adminPage.goto(`${ISSUER}/console/login`);
      await adminPage.getByLabel('Email').fill(admin.email);
      await adminPage.getByLabel('Password').fill(admin.password);
      await button(adminPage, 'Log in');
      await adminPage.goto(`${ISSUER}/console/admin`);
      await link(adminPage, 'Revoke all tokens');
      expect(
        await adminPage.getByRole('heading', { name: 'Revoke every token?' }).isVisible(),
      ).toBe(true);
      expect(await overflow(adminPage)).toBeLessThanOrEqual(0);
      if (size === 'desktop') await shot(adminPage, 'confirm-revoke-all');
      expect(await introspect(clientId, newSecret, token)).toBe(200);
      await button(adminPage, 'Revoke all tokens');
      expect(
        await adminPage
          .getByText('All tokens of all agents and websites were revoked.')
          .isVisible(),
      ).toBe(true);
      expect(
        (
          await json('/introspect', {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              authorization: basic(clientId, newSecret),
            },
            body: new URLSearchParams({ token }).toString(),
          })
        ).body.active,
      ).toBe(false);
      await adminPage.close();

      expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
      expect(logs.join('\n')).not.toContain(agentSecret);
      expect(logs.join('\n')).not.toContain(newSecret);
      await context.close();
    });
  }
});
