import { AuthAgent } from '@auth-agent/sdk/agent';
import { createAuthorizationUrl, discover, type WebsiteClient } from '@auth-agent/sdk/website';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CALLBACKS } from '../../../packages/sdk/test/support/ports.js';
import { optionsFor } from '../../../packages/sdk/test/support/sign-in.js';
import { signInHeadless } from '../src/headless-sign-in.js';

// The agent half of examples/mcp-server: the sign-in an MCP client's provider runs where a
// desktop client would open a browser. Against the SDK tests' real server.
const server = inject('authAgent');
const REDIRECT_URI = CALLBACKS.agent;
let website: WebsiteClient;

beforeAll(async () => {
  website = await discover(optionsFor(server, server.website, REDIRECT_URI));
});

function recordingAgent() {
  const urls: string[] = [];
  const recording: typeof fetch = (input, init) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return fetch(input, init);
  };
  const agent = new AuthAgent({
    issuer: server.issuer,
    agentId: server.agent.agent_id,
    agentSecret: server.agent.agent_secret,
    model: 'headless-test-model',
    fetch: recording,
  });
  return { agent, recording, urls };
}

describe('signInHeadless', () => {
  it('signs the agent in and returns the code of the redirect, with state and iss', async () => {
    const { agent, recording } = recordingAgent();
    const { url, state } = await createAuthorizationUrl(website);
    const answer = await signInHeadless(
      agent,
      url,
      { redirectUri: REDIRECT_URI, state },
      recording,
    );
    const redirect = new URL(answer.redirectTo);
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('iss')).toBe(server.issuer);
    expect(answer.code).toBe(redirect.searchParams.get('code'));
  });

  it('refuses an authorization URL that is not at the agent issuer, sending nothing', async () => {
    const { agent, recording, urls } = recordingAgent();
    const { url, state } = await createAuthorizationUrl(website);
    const phishing = new URL(`${url.pathname}${url.search}`, 'http://127.0.0.1:1');
    await expect(
      signInHeadless(agent, phishing, { redirectUri: REDIRECT_URI, state }, recording),
    ).rejects.toThrow(/not the agent's issuer/);
    expect(urls).toEqual([]);
  });

  it('refuses an answer for another state or another redirect URI', async () => {
    const { agent, recording } = recordingAgent();
    const first = await createAuthorizationUrl(website);
    await expect(
      signInHeadless(agent, first.url, { redirectUri: REDIRECT_URI, state: 'other' }, recording),
    ).rejects.toThrow('State mismatch.');
    const second = await createAuthorizationUrl(website);
    const elsewhere = 'http://127.0.0.1:9/callback';
    await expect(
      signInHeadless(agent, second.url, { redirectUri: elsewhere, state: second.state }, recording),
    ).rejects.toThrow(/redirect URI/);
  });

  it('reports a refused authorization request instead of signing in', async () => {
    const { agent, recording, urls } = recordingAgent();
    const { url, state } = await createAuthorizationUrl(website);
    url.searchParams.set('client_id', 'client_unknown');
    await expect(
      signInHeadless(agent, url, { redirectUri: REDIRECT_URI, state }, recording),
    ).rejects.toThrow(/refused/);
    expect(urls.some((u) => u.endsWith('/api/agent/authenticate'))).toBe(false);
  });
});
