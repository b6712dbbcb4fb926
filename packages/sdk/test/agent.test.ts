import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuthAgent, AuthAgentError, requestIdFrom } from '../src/agent/index.js';
import { createAuthorizationUrl, discover, type WebsiteClient } from '../src/website/index.js';
import { httpBrowser } from './support/browser.js';
import { type StubServer, startStub } from './support/http.js';
import { CALLBACKS, PORTS } from './support/ports.js';

const REDIRECT_URI = CALLBACKS.agent;
const server = inject('authAgent');
let website: WebsiteClient;

beforeAll(async () => {
  website = await discover({
    issuer: server.issuer,
    clientId: server.website.client_id,
    clientSecret: server.website.client_secret ?? undefined,
    redirectUri: REDIRECT_URI,
  });
});

function newAgent(overrides: Partial<ConstructorParameters<typeof AuthAgent>[0]> = {}) {
  return new AuthAgent({
    issuer: server.issuer,
    agentId: server.agent.agent_id,
    agentSecret: server.agent.agent_secret,
    model: 'test-model',
    ...overrides,
  });
}

/** Opens a fresh sign-in request in an HTTP "browser"; returns its page and the browser. */
async function openSignIn() {
  const browser = httpBrowser();
  const { url, state } = await createAuthorizationUrl(website);
  const html = await browser.open(url);
  return { browser, html, state };
}

/** A fetch that records every URL it is asked for, then calls the real fetch. */
function recordingFetch() {
  const urls: string[] = [];
  const bodies: string[] = [];
  const fn: typeof fetch = (input, init) => {
    urls.push(String(input instanceof Request ? input.url : input));
    bodies.push(typeof init?.body === 'string' ? init.body : '');
    return fetch(input, init);
  };
  return { fn, urls, bodies };
}

describe('requestIdFrom', () => {
  it('reads the id from the real sign-in page, and from each of its three markers alone', async () => {
    const { html } = await openSignIn();
    const id = requestIdFrom(html);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(requestIdFrom(`<script>window.authRequest = {"request_id":"${id}"};</script>`)).toBe(id);
    expect(requestIdFrom(`<meta content="${id}" name="auth-agent-request-id">`)).toBe(id);
    expect(requestIdFrom(`<div id="x" data-request-id="${id}"></div>`)).toBe(id);
  });

  it('reads a request_id parameter from a URL string or URL object', () => {
    const id = 'AbCdEfGhIjKlMnOpQrStUv_-0123456789';
    expect(requestIdFrom(`https://auth.example.com/x?request_id=${id}`)).toBe(id);
    expect(requestIdFrom(new URL(`https://auth.example.com/x?request_id=${id}`))).toBe(id);
  });

  it('refuses input with no id, or with an id of the wrong shape, with a typed error', () => {
    for (const source of [
      '<html><body>Hello</body></html>',
      '<meta name="auth-agent-request-id" content="short">',
      '<div data-request-id="has spaces in it and more"></div>',
      'https://auth.example.com/authorize?client_id=x',
    ]) {
      try {
        requestIdFrom(source);
        expect.unreachable('requestIdFrom accepted input without an id');
      } catch (error) {
        expect(error).toBeInstanceOf(AuthAgentError);
        expect((error as AuthAgentError).code).toBe('request_id_not_found');
      }
    }
  });
});

describe('new AuthAgent', () => {
  it('refuses unusable or unsafe configuration with invalid_config', () => {
    const cases: Array<Partial<ConstructorParameters<typeof AuthAgent>[0]>> = [
      { issuer: 'not a url' },
      { issuer: 'ftp://auth.example.com' },
      { issuer: 'http://auth.example.com' }, // plain http off localhost
      { issuer: 'https://auth.example.com/?tenant=1' },
      { issuer: 'https://user:pw@auth.example.com' },
      { agentSecret: '' },
      { agentId: '  ' },
      { model: '' },
    ];
    for (const overrides of cases) {
      expect(() => newAgent(overrides)).toThrowError(
        expect.objectContaining({ code: 'invalid_config' }),
      );
    }
    expect(
      newAgent({ issuer: 'http://auth.example.com', allowInsecureRequests: true }).issuer,
    ).toBe('http://auth.example.com');
    expect(newAgent({ issuer: 'https://auth.example.com/' }).issuer).toBe(
      'https://auth.example.com',
    );
  });

  it('keeps the secret out of JSON and console output', () => {
    const agent = newAgent();
    expect(JSON.stringify(agent)).not.toContain(server.agent.agent_secret);
    expect(inspect(agent, { depth: 5, showHidden: true })).not.toContain(server.agent.agent_secret);
    expect(JSON.parse(JSON.stringify(agent))).toEqual({
      issuer: server.issuer,
      agentId: server.agent.agent_id,
      model: 'test-model',
    });
  });
});

describe('AuthAgent.authenticate against a real server', () => {
  it('signs the request in; only the bound browser then gets the redirect with code, state and iss', async () => {
    const { browser, html, state } = await openSignIn();
    const recorder = recordingFetch();
    const agent = newAgent({ fetch: recorder.fn });
    await expect(agent.authenticate(requestIdFrom(html))).resolves.toEqual({
      status: 'authenticated',
    });
    expect(recorder.urls).toEqual([`${server.issuer}/api/agent/authenticate`]);
    const redirect = new URL(await browser.redirectFor(server.issuer, requestIdFrom(html)));
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('state')).toBe(state);
    expect(redirect.searchParams.get('iss')).toBe(server.issuer);
    expect(redirect.searchParams.get('code')).toBeTruthy();
  });

  it('reports a wrong secret as authentication_failed (401) without echoing the secret', async () => {
    const { html } = await openSignIn();
    const wrong = 'aa_sk_this-is-not-the-right-secret-at-all';
    const error = await newAgent({ agentSecret: wrong })
      .authenticate(requestIdFrom(html))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthAgentError);
    expect(error).toMatchObject({
      code: 'authentication_failed',
      status: 401,
      oauthError: 'access_denied',
    });
    expect(String((error as Error).message)).not.toContain(wrong);
  });

  it('reports a completed request as invalid_request on replay', async () => {
    const { html } = await openSignIn();
    const agent = newAgent();
    await agent.authenticate(requestIdFrom(html));
    await expect(agent.authenticate(requestIdFrom(html))).rejects.toMatchObject({
      code: 'invalid_request',
      status: 400,
    });
  });

  it('does not send anything for a malformed request id', async () => {
    const recorder = recordingFetch();
    const agent = newAgent({ fetch: recorder.fn });
    for (const bad of ['', 'short', 'has spaces in it, which ids never have', 'x'.repeat(300)]) {
      await expect(agent.authenticate(bad)).rejects.toMatchObject({ code: 'invalid_request' });
    }
    expect(recorder.urls).toEqual([]);
  });

  it('gives concurrent agents on one request exactly one success', async () => {
    const { html } = await openSignIn();
    const id = requestIdFrom(html);
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => newAgent().authenticate(id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid_request' });
  });
});

describe('AuthAgent.authenticate transport rules', () => {
  let stub: StubServer;
  let elsewhere: StubServer;
  let script: Array<{ status: number; headers?: Record<string, string>; body?: string }>;

  beforeAll(async () => {
    elsewhere = await startStub(PORTS.agentElsewhere, (_req, res) => res.writeHead(200).end('{}'));
    stub = await startStub(PORTS.agentStub, (_req, res) => {
      const next = script.shift() ?? { status: 500 };
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(next.body ?? '{"error":"server_error"}');
    });
  });
  afterAll(async () => {
    await stub.close();
    await elsewhere.close();
  });

  const stubAgent = (retry = { retries: 3, baseDelayMs: 10, maxDelayMs: 2_000 }) =>
    new AuthAgent({
      issuer: stub.url,
      agentId: 'agent_x',
      agentSecret: 'aa_sk_stub-secret-value',
      model: 'm',
      retry,
    });
  const ID = 'A'.repeat(43);
  const OK = { status: 200, body: '{"status":"authenticated"}' };

  it('retries 429 and 5xx, waiting as long as Retry-After asks', async () => {
    stub.requests.length = 0;
    script = [{ status: 429, headers: { 'retry-after': '1' } }, { status: 503 }, OK];
    const started = Date.now();
    await expect(stubAgent().authenticate(ID)).resolves.toEqual({ status: 'authenticated' });
    expect(stub.requests).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the retries with server_error, and at once when Retry-After is too long', async () => {
    stub.requests.length = 0;
    script = [{ status: 500 }, { status: 502 }, { status: 503 }, { status: 504 }];
    await expect(stubAgent().authenticate(ID)).rejects.toMatchObject({
      code: 'server_error',
      status: 504,
    });
    expect(stub.requests).toHaveLength(4);

    stub.requests.length = 0;
    script = [
      { status: 429, headers: { 'retry-after': '3600' }, body: '{"error":"rate_limited"}' },
    ];
    await expect(stubAgent().authenticate(ID)).rejects.toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfterSeconds: 3600,
    });
    expect(stub.requests).toHaveLength(1);
  });

  it('does not retry client errors', async () => {
    stub.requests.length = 0;
    script = [
      {
        status: 401,
        body: '{"error":"access_denied","error_description":"Invalid agent credentials."}',
      },
    ];
    await expect(stubAgent().authenticate(ID)).rejects.toMatchObject({
      code: 'authentication_failed',
    });
    expect(stub.requests).toHaveLength(1);
  });

  it('never follows a redirect, so a 307 cannot carry the secret to another origin', async () => {
    stub.requests.length = 0;
    elsewhere.requests.length = 0;
    script = [{ status: 307, headers: { location: `${elsewhere.url}/steal` } }];
    await expect(stubAgent().authenticate(ID)).rejects.toMatchObject({
      code: 'unexpected_response',
      status: 307,
    });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('reports an unreachable server as network_error after retrying', async () => {
    const agent = new AuthAgent({
      issuer: `http://127.0.0.1:${PORTS.unreachable}`,
      agentId: 'agent_x',
      agentSecret: 'aa_sk_stub-secret-value',
      model: 'm',
      retry: { retries: 1, baseDelayMs: 10 },
    });
    await expect(agent.authenticate(ID)).rejects.toMatchObject({ code: 'network_error' });
  });
});
