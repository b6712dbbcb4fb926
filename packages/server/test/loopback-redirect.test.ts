import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authenticateAgent,
  checkStatus,
  startAuthorization,
  tokenRequest,
} from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  createHarness,
  type Harness,
} from './support/harness.js';

// RFC 8252 §7.3 and OAuth 2.1 §8.4.2: a native app listens on a loopback port the operating
// system gives it at run time, so a public client's loopback redirect URI matches any port.

let h: Harness;
let native: ClientFixture;
let confidential: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  h = await createHarness();
  const owner = await h.createUser();
  native = await h.createClient(owner.email, {
    public: true,
    name: 'Native CLI agent',
    redirectUris: [
      'http://127.0.0.1/callback',
      'http://[::1]/callback',
      'http://localhost:8000/callback',
      'https://app.example.com/callback',
    ],
  });
  confidential = await h.createClient(owner.email, {
    redirectUris: ['http://127.0.0.1:3000/callback'],
  });
  agent = await h.createAgent(owner.email);
});
afterAll(() => h.dispose());

/** The native app: a one-shot HTTP listener on a free loopback port, catching the redirect. */
async function nativeApp(host: '127.0.0.1' | '::1' | 'localhost') {
  let received: URL | undefined;
  const server = createServer((req, res) => {
    received = new URL(req.url ?? '/', 'http://app');
    res.end('You can close this window.');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const name = host === '::1' ? '[::1]' : host;
  return {
    redirectUri: `http://${name}:${port}/callback`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a native public client on a loopback port it picked at run time', () => {
  it.each(['127.0.0.1', '::1', 'localhost'] as const)(
    'signs an agent in through http://%s:<free port>/callback',
    async (host) => {
      const app = await nativeApp(host);
      try {
        const started = await startAuthorization(h, native, { redirect_uri: app.redirectUri });
        expect(started.response.status).toBe(200);
        expect((await authenticateAgent(h, started.requestId, agent)).status).toBe(200);
        const status = await checkStatus(h, started.requestId, started.cookie);
        // The browser follows the redirect to the app's own listener.
        expect((await fetch(status.redirect_to ?? '')).status).toBe(200);
        const callback = app.received();
        expect(callback?.searchParams.get('state')).toBe(started.state);
        const code = callback?.searchParams.get('code') ?? '';
        const tokens = await tokenRequest(h, native, {
          grant_type: 'authorization_code',
          client_id: native.client_id,
          code,
          redirect_uri: app.redirectUri,
          code_verifier: started.verifier,
        });
        expect(tokens.status).toBe(200);
        expect(await tokens.json()).toMatchObject({ token_type: 'Bearer' });
      } finally {
        await app.close();
      }
    },
  );

  it('still needs the very redirect URI of the authorization request at the token endpoint', async () => {
    const started = await startAuthorization(h, native, {
      redirect_uri: 'http://127.0.0.1:50123/callback',
    });
    await authenticateAgent(h, started.requestId, agent);
    const status = await checkStatus(h, started.requestId, started.cookie);
    const response = await tokenRequest(h, native, {
      grant_type: 'authorization_code',
      client_id: native.client_id,
      code: status.code ?? '',
      redirect_uri: 'http://127.0.0.1:50124/callback',
      code_verifier: started.verifier,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it.each([
    ['another path', 'http://127.0.0.1:4000/other'],
    ['another loopback host', 'http://localhost:4000/callback'.replace('localhost', '127.0.0.2')],
    ['127.0.0.1 for a [::1] registration', 'http://[::1]:4000/elsewhere'],
    ['a host that merely starts with localhost', 'http://localhost.evil.example:8000/callback'],
    ['user info before the host', 'http://127.0.0.1:80@evil.example/callback'],
    ['https', 'https://127.0.0.1:4000/callback'],
    ['a port on a non-loopback URI', 'https://app.example.com:8443/callback'],
  ])('refuses %s', async (_label, redirectUri) => {
    const started = await startAuthorization(h, native, { redirect_uri: redirectUri });
    expect(started.response.status).toBe(400);
    expect(started.html).toContain('The redirect_uri is not registered');
  });
});

describe('a confidential client', () => {
  it('gets no port leniency: only the registered loopback URI, port included', async () => {
    const other = await startAuthorization(h, confidential, {
      redirect_uri: 'http://127.0.0.1:3001/callback',
    });
    expect(other.response.status).toBe(400);
    const exact = await startAuthorization(h, confidential, {
      redirect_uri: 'http://127.0.0.1:3000/callback',
    });
    expect(exact.response.status).toBe(200);
  });
});
