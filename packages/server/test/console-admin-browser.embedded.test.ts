import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { accountsConsole, DESKTOP, fitsWidth, PHONE, submit } from './support/accounts-browser.js';
import { CHROMIUM, shot } from './support/chromium.js';
import { strongPassword } from './support/console.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

// Admins managing console accounts in headless Chromium (console-log-in-browser.embedded.test.ts:
// logging in). Ports from this suite's range (18200-18299).
const PORT = 18242;
const SMTP_PORT = 18243;
const ISSUER = `http://127.0.0.1:${PORT}`;

const ui = accountsConsole(PORT, SMTP_PORT);
const { admin, newPage, logIn, signUp } = ui;

beforeAll(async () => {
  if (existsSync(CHROMIUM)) await ui.start();
});
afterAll(() => ui.close());

describe.skipIf(!existsSync(CHROMIUM))('console accounts in headless Chromium', () => {
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
