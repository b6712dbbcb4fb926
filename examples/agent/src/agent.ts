import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AuthAgent } from '@auth-agent/sdk/agent';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.js';

export interface AgentRunOptions {
  /** The website to sign in to. */
  websiteUrl: string;
  /** The Auth Agent server the agent trusts with its secret. */
  issuer: string;
  agentId: string;
  agentSecret: string;
  model: string;
  /** When set, a PNG of each step is written here. */
  screenshotsDir?: string | undefined;
  /** Called with a line for each step. */
  log?: (line: string) => void;
}

/** What the agent read on the website's dashboard after signing in. */
export interface DashboardReading {
  agentId: string;
  model: string;
  userEmail: string;
  /** What page scripts could see of the session: `none` when tokens stay in HttpOnly cookies. */
  tokensVisibleToScripts: string;
}

async function snap(page: Page, dir: string | undefined, name: string, log: (l: string) => void) {
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await page.screenshot({ path, fullPage: true });
  log(`    screenshot: ${relative(process.cwd(), path)}`);
}

async function field(page: Page, name: string): Promise<string> {
  return ((await page.locator(`[data-field="${name}"]`).textContent()) ?? '').trim();
}

/**
 * The example agent: opens the website in headless Chromium, clicks "Sign in with Auth
 * Agent", signs in with the SDK, and reads the dashboard.
 */
export async function runAgent(options: AgentRunOptions): Promise<DashboardReading> {
  const log = options.log ?? (() => {});
  const agent = new AuthAgent({
    issuer: options.issuer,
    agentId: options.agentId,
    agentSecret: options.agentSecret,
    model: options.model,
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    log(`  agent: opening ${options.websiteUrl}`);
    await page.goto(options.websiteUrl);
    await snap(page, options.screenshotsDir, '1-website.png', log);

    log('  agent: clicking "Sign in with Auth Agent"');
    await page.getByRole('link', { name: 'Sign in with Auth Agent' }).click();
    const issuerOrigin = new URL(agent.issuer).origin;
    await page.waitForURL((url) => url.origin === issuerOrigin);
    await page.locator('#auth-agent-signin').waitFor();
    log(`  agent: on the Auth Agent sign-in page (${issuerOrigin})`);
    await snap(page, options.screenshotsDir, '2-sign-in-page.png', log);

    const signedIn = await agent.signIn(page);
    log(`  agent: signed in; the browser went back to ${new URL(signedIn.url).origin}`);
    await page.waitForURL((url) => url.pathname === '/dashboard');
    await page.locator('#session').waitFor();
    await snap(page, options.screenshotsDir, '3-dashboard.png', log);

    // Page scripts see no cookie (they are HttpOnly) and nothing in web storage.
    const exposed = await page.evaluate(() =>
      [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)].filter(
        (v) => v !== '' && v !== '{}',
      ),
    );
    return {
      tokensVisibleToScripts: exposed.length === 0 ? 'none' : exposed.join(' | '),
      agentId: await field(page, 'agent-id'),
      model: await field(page, 'model'),
      userEmail: await field(page, 'user-email'),
    };
  } finally {
    await browser.close();
  }
}
