import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDPoPFetch, DPoPKey } from '../src/agent/index.js';
import {
  createResourceServer,
  getAccessToken,
  type ResourceServer,
} from '../src/resource-server/index.js';
import { accessTokenClaims, type FakeIssuer, startFakeIssuer } from './support/fake-issuer.js';
import { type ServedHandler, serveFetch } from './support/serve-fetch.js';

// The three ways to mount a resource server — a fetch handler, Hono, Express — each over
// real HTTP, with the exact RFC 9728 metadata and RFC 6750 / RFC 9449 challenges.
let issuer: FakeIssuer;
let agentKey: DPoPKey;
let servedFetch: ServedHandler;
let servedHono: ServedHandler;
let expressServer: Server;

interface Mounted {
  origin: string;
  api: ResourceServer;
}
const mounted: Record<'fetch' | 'Hono' | 'Express', Mounted> = {} as never;

function resourceServerAt(origin: string): ResourceServer {
  return createResourceServer({
    issuer: issuer.issuer,
    resource: `${origin}/mcp`,
    scopes: ['tools:read', 'tools:write'],
    resourceName: 'Test MCP server',
  });
}

beforeAll(async () => {
  issuer = await startFakeIssuer(['ES256']);
  await issuer.addKey('ES256', 'k1');
  agentKey = await DPoPKey.generate();

  servedFetch = await serveFetch();
  const fetchApi = resourceServerAt(servedFetch.origin);
  const read = fetchApi.protect(
    (request, access) =>
      Response.json({
        agent: getAccessToken(request) === access ? access.agentId : 'not remembered',
      }),
    { scopes: ['tools:read'] },
  );
  const write = fetchApi.protect(() => new Response('written'), { scopes: ['tools:write'] });
  servedFetch.handle = (request) =>
    new URL(request.url).pathname === '/mcp/write' ? write(request) : read(request);
  mounted.fetch = { origin: servedFetch.origin, api: fetchApi };

  servedHono = await serveFetch();
  const honoApi = resourceServerAt(servedHono.origin);
  const hono = new Hono();
  hono.use(honoApi.honoMetadataMiddleware());
  hono.use('/mcp/write', honoApi.honoMiddleware({ scopes: ['tools:write'] }));
  hono.use('/mcp/*', honoApi.honoMiddleware({ scopes: ['tools:read'] }));
  hono.get('/mcp/tools', (c) => c.json({ agent: getAccessToken(c)?.agentId }));
  hono.get('/mcp/write', (c) => c.text('written'));
  servedHono.handle = (request) => hono.fetch(request);
  mounted.Hono = { origin: servedHono.origin, api: honoApi };

  const app = express();
  await new Promise<void>((resolve) => {
    expressServer = app.listen(0, '127.0.0.1', () => resolve());
  });
  const expressOrigin = `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`;
  const expressApi = resourceServerAt(expressOrigin);
  app.use(expressApi.expressMetadataMiddleware());
  app.use('/mcp/write', expressApi.expressMiddleware({ scopes: ['tools:write'] }));
  app.use('/mcp', expressApi.expressMiddleware({ scopes: ['tools:read'] }));
  app.get('/mcp/tools', (req, res) => {
    res.json({ agent: getAccessToken(req)?.agentId });
  });
  app.get('/mcp/write', (_req, res) => {
    res.send('written');
  });
  mounted.Express = { origin: expressOrigin, api: expressApi };
});
afterAll(async () => {
  await servedFetch?.close();
  await servedHono?.close();
  await new Promise<void>((resolve) => expressServer?.close(() => resolve()));
  await issuer.close();
});

const token = (origin: string, extra: Record<string, unknown> = {}) =>
  issuer.sign(accessTokenClaims(issuer.issuer, `${origin}/mcp`, extra), 'k1');

describe.each(['fetch', 'Hono', 'Express'] as const)('%s resource server over HTTP', (name) => {
  const at = () => mounted[name];
  const metadataUrl = () => `${at().origin}/.well-known/oauth-protected-resource/mcp`;

  it('serves RFC 9728 metadata at the path-suffixed and the bare well-known URL', async () => {
    const expected = {
      resource: `${at().origin}/mcp`,
      authorization_servers: [issuer.issuer],
      scopes_supported: ['tools:read', 'tools:write'],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'],
      dpop_bound_access_tokens_required: false,
      resource_name: 'Test MCP server',
    };
    for (const url of [metadataUrl(), `${at().origin}/.well-known/oauth-protected-resource`]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.json()).toEqual(expected);
    }
    expect(at().api.metadataUrl).toBe(metadataUrl());
    expect((await fetch(metadataUrl(), { method: 'POST' })).status).toBe(405);
  });

  it('answers 401 with resource_metadata and scope when no token is sent', async () => {
    const response = await fetch(`${at().origin}/mcp/tools`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${metadataUrl()}", scope="tools:read"`,
    );
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'An access token is required.',
    });
  });

  it('answers 401 invalid_token with a description for a bad token', async () => {
    const expired = await token(at().origin, { exp: Math.floor(Date.now() / 1000) - 120 });
    const response = await fetch(`${at().origin}/mcp/tools`, {
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${metadataUrl()}", scope="tools:read", error="invalid_token", error_description="The access token has expired."`,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 403 insufficient_scope with the scope the route needs', async () => {
    const response = await fetch(`${at().origin}/mcp/write`, {
      headers: { authorization: `Bearer ${await token(at().origin)}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${metadataUrl()}", scope="tools:write", error="insufficient_scope", error_description="The access token lacks the scope tools:write."`,
    );
    expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('lets a valid Bearer token through and exposes it to the route', async () => {
    const response = await fetch(`${at().origin}/mcp/tools`, {
      headers: { authorization: `Bearer ${await token(at().origin)}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ agent: 'agent_test' });
  });

  it("lets a DPoP-bound token through with the agent SDK's fetch wrapper", async () => {
    const bound = await token(at().origin, { cnf: { jkt: agentKey.thumbprint } });
    const dpopFetch = createDPoPFetch({ key: agentKey, accessToken: bound });
    const response = await dpopFetch(`${at().origin}/mcp/tools?x=1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ agent: 'agent_test' });
  });

  it('challenges a DPoP request with the DPoP scheme and algs (RFC 9449 §7.1)', async () => {
    const bound = await token(at().origin, { cnf: { jkt: agentKey.thumbprint } });
    const response = await fetch(`${at().origin}/mcp/tools`, {
      headers: { authorization: `DPoP ${bound}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `DPoP resource_metadata="${metadataUrl()}", scope="tools:read", algs="ES256 ES384 EdDSA Ed25519 PS256 RS256", error="invalid_dpop_proof", error_description="A DPoP-bound access token needs a DPoP proof header."`,
    );
  });
});
