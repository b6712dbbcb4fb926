import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { AuthAgent, AuthAgentError, requestIdFrom } from '../src/agent/index.js';
import { createAuthorizationUrl, discover, type WebsiteClient } from '../src/website/index.js';
import { launchChromium } from './support/chromium.js';
import { type StubServer, startStub } from './support/http.js';
import { CALLBACKS, PORTS } from './support/ports.js';

const server = inject('authAgent');
let browser: Browser;
let page: Page;
let website: WebsiteClient;
let site: StubServer;
let evil: StubServer;
let evilHtml = '';

/** Counts the requests the agent SDK makes, to prove what was (not) sent. */
function countingFetch() {
  const calls: string[] = [];
  const fn: typeof fetch = (input, init) => {
    calls.push(String(input));
    return fetch(input, init);
  };
  return { fn, calls };
}

function agent(fetchImpl?: typeof fetch, secret = server.agent.agent_secret) {
  return new AuthAgent({
    issuer: server.issuer,
    agentId: server.agent.agent_id,
    agentSecret: secret,
    model: 'browser-test-model',
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

beforeAll(async () => {
  website = await discover({
    issuer: server.issuer,
    clientId: server.website.client_id,
    clientSecret: server.website.client_secret ?? undefined,
    redirectUri: CALLBACKS.browser,
  });
  site = await startStub(PORTS.browserWebsite, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(req.url.startsWith('/callback') ? '<h1>Back on the website</h1>' : '<h1>Home</h1>');
  });
  // A phishing clone: serves a copy of a real sign-in page from another origin.
  evil = await startStub(PORTS.browserEvil, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(evilHtml);
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await evil?.close();
});
beforeEach(async () => {
  page = await browser.newPage();
});
afterEach(async () => {
  await page.close();
});

describe('AuthAgent.signIn(page) in headless Chromium', () => {
  it('detects the sign-in page, authenticates, and follows the browser back to the website', async () => {
    const { url, state } = await createAuthorizationUrl(website);
    await page.goto(url.href);
    const counter = countingFetch();
    const result = await agent(counter.fn).signIn(page, { timeoutMs: 15_000 });

    expect(counter.calls).toEqual([`${server.issuer}/api/agent/authenticate`]);
    const back = new URL(result.url);
    expect(back.origin + back.pathname).toBe(CALLBACKS.browser);
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('iss')).toBe(server.issuer);
    expect(await page.textContent('h1')).toBe('Back on the website');
    expect(site.requests.some((r) => r.url.startsWith('/callback?code='))).toBe(true);
  });

  it('reads the request id from the live page', async () => {
    const { url } = await createAuthorizationUrl(website);
    await page.goto(url.href);
    const fromPage = await requestIdFrom(page);
    expect(fromPage).toBe(requestIdFrom(await page.content()));
  });

  it('refuses a copy of the sign-in page served by another origin, sending nothing', async () => {
    const { url } = await createAuthorizationUrl(website);
    evilHtml = await (await fetch(url)).text();
    expect(requestIdFrom(evilHtml)).toBeTruthy(); // the clone carries a genuine request id
    await page.goto(`${evil.url}/authorize`);
    const counter = countingFetch();
    const error = await agent(counter.fn)
      .signIn(page, { timeoutMs: 5_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthAgentError);
    expect((error as AuthAgentError).code).toBe('untrusted_origin');
    expect((error as Error).message).toContain(evil.url);
    expect(counter.calls).toEqual([]);
    expect(evil.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(evil.requests.some((r) => r.body.includes(server.agent.agent_secret))).toBe(false);
  });

  it('times out with sign_in_page_not_found when no sign-in page appears', async () => {
    await page.goto(`${site.url}/`);
    const counter = countingFetch();
    await expect(agent(counter.fn).signIn(page, { timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'sign_in_page_not_found',
    });
    expect(counter.calls).toEqual([]);
  });

  it('leaves the browser on the sign-in page when the secret is wrong', async () => {
    const { url } = await createAuthorizationUrl(website);
    await page.goto(url.href);
    await expect(
      agent(undefined, 'aa_sk_wrong-secret-for-this-agent').signIn(page, { timeoutMs: 5_000 }),
    ).rejects.toMatchObject({ code: 'authentication_failed' });
    expect(new URL(page.url()).origin).toBe(new URL(server.issuer).origin);
  });
});
