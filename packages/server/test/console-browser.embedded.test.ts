import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { browserSignIn } from './support/browser-sign-in.js';
import {
  CHROMIUM,
  type ConsoleServer,
  launchChromium,
  shot,
  startConsoleServer,
} from './support/chromium.js';
import { strongPassword } from './support/console.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

// Ports from this suite's range (18200-18299): the server and the website's callback receiver.
const PORT = 18210;
const CALLBACK_PORT = 18211;
const ISSUER = `http://127.0.0.1:${PORT}`;
const REDIRECT_URI = `http://127.0.0.1:${CALLBACK_PORT}/callback`;
const sites = browserSignIn(ISSUER, REDIRECT_URI, 'browser-test-model');

let running: ConsoleServer;
let website: Server;
let browser: Browser;
const callbacks: URL[] = [];

async function form(page: Page, fields: Record<string, string>, submit: string) {
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label).fill(value);
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name: submit }).click(),
  ]);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  running = await startConsoleServer(PORT, 'info', {});
  // The website: its callback only records what the browser brings back.
  website = createServer((req, res) => {
    callbacks.push(new URL(req.url ?? '/', `http://127.0.0.1:${CALLBACK_PORT}`));
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Signed in to the shop</h1>');
  });
  await new Promise<void>((resolve) => website.listen(CALLBACK_PORT, '127.0.0.1', resolve));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => website?.close(resolve));
  await running?.close();
});

describe.skipIf(!existsSync(CHROMIUM))('the console in headless Chromium', () => {
  it('sets up, signs up, creates a website and an agent, signs in for real, revokes, signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ISSUER });
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') cspErrors.push(m.text());
    });

    // 0. First run: the one-time setup link creates the administrator.
    expect(running.server.setupLink).toMatch(/\/console\/setup\?token=/);
    await page.goto(running.server.setupLink ?? '');
    await shot(page, 'setup');
    const adminPassword = strongPassword();
    await form(
      page,
      {
        Email: 'admin@example.com',
        'Password at least 12 characters, not a common one': adminPassword,
      },
      'Create administrator',
    );
    await page.goto(`${ISSUER}/console/admin`);
    await expect(page.getByRole('heading', { name: 'Administration' }).isVisible()).resolves.toBe(
      true,
    );
    await Promise.all([
      page.waitForURL(/\/console\/login/),
      page.getByRole('button', { name: 'Log out' }).click(),
    ]);

    // 1. Sign up.
    await page.goto(`${ISSUER}/console/signup`);
    await shot(page, 'signup');
    await form(
      page,
      {
        Email: 'pat@example.com',
        'Password at least 12 characters, not a common one': strongPassword(),
      },
      'Create account',
    );
    expect(new URL(page.url()).pathname).toBe('/console');
    await shot(page, 'overview');

    // 2a. Register a website and read its one-time secret.
    await page.getByRole('link', { name: 'Register a website' }).click();
    await page.getByLabel('Website name').fill('Example Shop');
    await page.getByLabel('Redirect URIs').fill(REDIRECT_URI);
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Register website' }).click(),
    ]);
    const clientId = (await page.locator('#client-id').textContent()) ?? '';
    const clientSecret = (await page.locator('#client-secret').textContent()) ?? '';
    expect(clientId).toMatch(/^client_/);
    expect(clientSecret).toMatch(/^aa_cs_/);
    await shot(page, 'website-created');

    // 2b. Create an agent; the nonce'd copy script runs under the CSP and copies the secret.
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('link', { name: 'New agent' }).click();
    await page.getByLabel('Agent name').fill('Research assistant');
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Create agent' }).click(),
    ]);
    const agentId = (await page.locator('#agent-id').textContent()) ?? '';
    const agentSecret = (await page.locator('#agent-secret').textContent()) ?? '';
    expect(agentId).toMatch(/^agent_/);
    const copy = page.locator('button[data-copy="agent-secret"]');
    expect(await copy.isVisible()).toBe(true);
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(agentSecret);
    await shot(page, 'agent-created');
    expect(cspErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);

    // 3. A real sign-in: the shop sends a browser to /authorize, the agent answers.
    const { page: signin, verifier, state, requestId } = await sites.openSignIn(context, clientId);
    const auth = await sites.authenticate(requestId, agentId, agentSecret);
    expect(auth.status).toBe(200);
    await signin.waitForURL(/127\.0\.0\.1:18211\/callback/, { timeout: 30_000 });
    const callback = callbacks.filter((u) => u.pathname === '/callback').at(-1); // not /favicon.ico
    expect(callback?.searchParams.get('state')).toBe(state);
    const basic = sites.basic(clientId, clientSecret);
    const tokens = await sites.json('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback?.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }).toString(),
    });
    expect(tokens.status).toBe(200);
    const accessToken = String(tokens.body.access_token);
    const introspect = () =>
      sites.json('/introspect', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: new URLSearchParams({ token: accessToken }).toString(),
      });
    expect((await introspect()).body.active).toBe(true);

    // 4. The console shows the sign-in; revoke it there.
    await page.getByRole('link', { name: 'Done, go to the agent' }).click();
    await expect(page.getByRole('cell', { name: /Example Shop/ }).isVisible()).resolves.toBe(true);
    expect(await page.getByRole('cell', { name: 'browser-test-model' }).isVisible()).toBe(true);
    await shot(page, 'agent-grants');
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Revoke', exact: true }).click(),
    ]);
    expect(await page.getByText('not signed in to any website').isVisible()).toBe(true);
    expect((await introspect()).body.active).toBe(false);

    // 4b. Per-agent control on the same page: be told of its first sign-ins by mail; the page
    // comes back with the choice kept (POST-redirect-GET).
    const mailMe = page.getByLabel(/Mail me/);
    expect(await mailMe.isChecked()).toBe(false);
    await mailMe.check();
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Save notifications' }).click(),
    ]);
    expect(await page.getByLabel(/Mail me/).isChecked()).toBe(true);
    await shot(page, 'agent-controls');

    // 5. Sign out: the session is gone, protected pages send the browser to log in.
    await Promise.all([
      page.waitForURL(/\/console\/login/),
      page.getByRole('button', { name: 'Log out' }).click(),
    ]);
    await shot(page, 'login');
    await page.goto(`${ISSUER}/console/agents`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    expect(running.logs.join('\n')).not.toContain(agentSecret);
    expect(running.logs.join('\n')).not.toContain(adminPassword);

    // The administrator sees every owner's agents and websites.
    await form(page, { Email: 'admin@example.com', Password: adminPassword }, 'Log in');
    await page.goto(`${ISSUER}/console/admin`);
    expect(await page.getByRole('cell', { name: 'pat@example.com' }).first().isVisible()).toBe(
      true,
    );
    expect(await page.getByRole('link', { name: 'Example Shop' }).isVisible()).toBe(true);
    await shot(page, 'admin');
    expect(running.logs.join('\n')).not.toContain(clientSecret);
    await context.close();
  });
});
