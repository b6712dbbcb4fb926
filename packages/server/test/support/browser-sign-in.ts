import { createHash, randomBytes } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';
import { expect } from 'vitest';

/**
 * An agent's sign-in at a website whose callback is `redirectUri`, the sign-in page opened in
 * a Chromium page and the rest over HTTP, against a server at `issuer` (a real listener).
 */
export function browserSignIn(issuer: string, redirectUri: string, model = 'owner-test-model') {
  async function json(path: string, init: RequestInit = {}) {
    const response = await fetch(`${issuer}${path}`, init);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  function basic(clientId: string, secret: string) {
    return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
  }

  async function introspect(clientId: string, secret: string, token: string) {
    return (
      await json('/introspect', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(clientId, secret),
        },
        body: new URLSearchParams({ token }).toString(),
      })
    ).status;
  }

  /** A sign-in request opened in a browser page, as a website would send it; its PKCE verifier and state. */
  async function openSignIn(context: BrowserContext, clientId: string) {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const authorize = new URL(`${issuer}/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }))
      authorize.searchParams.set(k, v);
    const page = await context.newPage();
    await page.goto(authorize.href);
    const requestId =
      (await page.locator('meta[name="auth-agent-request-id"]').getAttribute('content')) ?? '';
    return { page, verifier, state, requestId };
  }

  function authenticate(requestId: string, agentId: string, agentSecret: string) {
    return json('/api/agent/authenticate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        request_id: requestId,
        agent_id: agentId,
        agent_secret: agentSecret,
        model,
      }),
    });
  }

  /** A complete sign-in of the agent at the website; its access token. */
  async function signIn(
    context: BrowserContext,
    site: { clientId: string; secret: string },
    agent: { agentId: string; agentSecret: string },
  ) {
    const { page, verifier, requestId } = await openSignIn(context, site.clientId);
    expect((await authenticate(requestId, agent.agentId, agent.agentSecret)).status).toBe(200);
    await page.waitForURL(/\/callback/, { timeout: 30_000 });
    const code = new URL(page.url()).searchParams.get('code') ?? '';
    await page.close();
    const tokens = await json('/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(site.clientId, site.secret),
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }).toString(),
    });
    expect(tokens.status).toBe(200);
    return String(tokens.body.access_token);
  }

  return { json, basic, introspect, openSignIn, authenticate, signIn };
}
