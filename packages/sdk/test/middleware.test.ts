import type { Server } from 'node:http';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  discover,
  expressBearerAuth,
  getAccessToken,
  honoBearerAuth,
  type TokenSet,
  type WebsiteClient,
} from '../src/website/index.js';
import { CALLBACKS, PORTS } from './support/ports.js';
import { optionsFor, tokensFor } from './support/sign-in.js';

const server = inject('authAgent');
let client: WebsiteClient;
let tokens: TokenSet;
let otherTokens: TokenSet;
let hono: Hono;
let expressServer: Server;

beforeAll(async () => {
  client = await discover(optionsFor(server, server.website, CALLBACKS.website));
  const other = await discover(optionsFor(server, server.otherWebsite, CALLBACKS.website));
  tokens = await tokensFor(server, client, 'middleware-model');
  otherTokens = await tokensFor(server, other);

  hono = new Hono();
  hono.use('/api/*', honoBearerAuth(client));
  hono.use('/admin/*', honoBearerAuth(client, { requiredScopes: ['admin'] }));
  hono.get('/api/me', (c) =>
    c.json({ agent: getAccessToken(c)?.agentId, model: getAccessToken(c)?.model }),
  );
  hono.get('/admin/x', (c) => c.text('admin'));

  const app = express();
  app.use('/api', expressBearerAuth(client));
  app.get('/api/me', (req, res) => {
    res.json({ agent: getAccessToken(req)?.agentId });
  });
  await new Promise<void>((resolve) => {
    expressServer = app.listen(PORTS.expressApp, '127.0.0.1', () => resolve());
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => expressServer?.close(() => resolve()));
});

type Call = (path: string, authorization?: string) => Promise<Response>;
const viaHono: Call = (path, authorization) =>
  Promise.resolve(hono.request(path, authorization ? { headers: { authorization } } : {}));
const viaExpress: Call = (path, authorization) =>
  fetch(
    `http://127.0.0.1:${PORTS.expressApp}${path}`,
    authorization ? { headers: { authorization } } : {},
  );

describe.each([
  ['Hono', viaHono],
  ['Express', viaExpress],
])('%s Bearer middleware', (_name, call) => {
  it('lets a valid token through and exposes the verified agent to the route', async () => {
    const response = await call('/api/me', `Bearer ${tokens.accessToken}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ agent: server.agent.agent_id });
  });

  it('answers 401 with a bare challenge when no token is sent (RFC 6750 §3)', async () => {
    const response = await call('/api/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="auth-agent"');
  });

  it("answers 401 invalid_token for garbage, another website's token, and a refresh token", async () => {
    for (const token of ['garbage', otherTokens.accessToken, tokens.refreshToken ?? '']) {
      const response = await call('/api/me', `Bearer ${token}`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await response.json()).toMatchObject({ error: 'invalid_token' });
    }
  });

  it('answers 401 invalid_request for a malformed Authorization header', async () => {
    const response = await call('/api/me', `Basic ${btoa('a:b')}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('middleware extras', () => {
  it('Hono: a token without a required scope gets 403 insufficient_scope', async () => {
    const response = await viaHono('/admin/x', `Bearer ${tokens.accessToken}`);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });
});
