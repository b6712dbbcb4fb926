import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { createApp } from '../src/http/app.js';
import { createLogger } from '../src/logger.js';
import { createServerContext } from '../src/server-context.js';
import {
  assertion,
  type ClientKey,
  clientKey,
  JWT_BEARER,
  register,
  withAssertion,
} from './support/client-keys.js';
import { asSuperuser } from './support/database.js';
import { type DocumentServer, startDocumentServer } from './support/document-server.js';
import { authenticateAgent, checkStatus, startAuthorization } from './support/flow.js';
import { createHarness, type Harness, ISSUER, REDIRECT_URI } from './support/harness.js';

// private_key_jwt client authentication (RFC 7523 §2.2, OIDC Core §9).
let h: Harness;
let docs: DocumentServer;
let key: ClientKey;
let clientId: string;

const CC = { grant_type: 'client_credentials' };

beforeAll(async () => {
  h = await createHarness({ CLIENT_METADATA_ALLOW_LOOPBACK_HTTP: '1' });
  docs = await startDocumentServer();
  key = await clientKey();
  const registered = await register(h, {
    client_name: 'Key-holding service',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [key.publicJwk] },
    grant_types: ['client_credentials', 'authorization_code'],
    redirect_uris: [REDIRECT_URI],
  });
  expect(registered.status).toBe(201);
  expect(registered.body).not.toHaveProperty('client_secret');
  clientId = registered.body.client_id as string;
});
afterAll(async () => {
  await docs.close();
  await h.dispose();
});

async function expectInvalidClient(response: Response) {
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ error: 'invalid_client' });
}

describe('a client that signs its requests with its own key', () => {
  it('gets a token with an assertion addressed to the token endpoint or to the issuer', async () => {
    for (const aud of [`${ISSUER}/token`, ISSUER]) {
      const response = await withAssertion(
        h,
        '/token',
        await assertion(key, clientId, { aud }),
        CC,
      );
      expect(response.status).toBe(200);
    }
  });

  it('exchanges an authorization code with an assertion', async () => {
    const agent = await h.createAgent((await h.createUser()).email);
    const client = { client_id: clientId, client_secret: null, redirect_uris: [REDIRECT_URI] };
    const started = await startAuthorization(h, client);
    expect(started.response.status).toBe(200);
    await authenticateAgent(h, started.requestId, agent);
    const status = await checkStatus(h, started.requestId, started.cookie);
    const response = await withAssertion(h, '/token', await assertion(key, clientId), {
      grant_type: 'authorization_code',
      code: status.code ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: started.verifier,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('refresh_token');
  });

  it('refuses a replayed assertion, also on another instance of the server', async () => {
    const once = await assertion(key, clientId);
    expect((await withAssertion(h, '/token', once, CC)).status).toBe(200);
    await expectInvalidClient(await withAssertion(h, '/token', once, CC));
    // A second server process on the same database has never seen this jti in memory.
    const config = loadConfig({ ISSUER, LOG_LEVEL: 'silent' });
    const other = createServerContext({
      config,
      db: h.db.driver,
      logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
      secrets: h.secrets,
    });
    const otherApp = createApp(other);
    const replayed = await withAssertion(
      { request: async (path, init) => otherApp.request(new URL(path, ISSUER).href, init) },
      '/token',
      once,
      CC,
    );
    await expectInvalidClient(replayed);
    await h.ctx.security.flush();
    expect(h.logs.join('\n')).toContain('assertion_replayed');
  });

  it.each([
    ['signed by another key', async () => assertion(await clientKey(key.kid), clientId)],
    ['for another audience', () => assertion(key, clientId, { aud: 'https://elsewhere.example' })],
    ['expired', () => assertion(key, clientId, { exp: Math.floor(Date.now() / 1000) - 120 })],
    ['valid for an hour', () => assertion(key, clientId, { exp: '1h' })],
    ['without a jti', () => assertion(key, clientId, { jti: null })],
    ['issued by someone else', () => assertion(key, clientId, { iss: 'client_someone_else' })],
  ])('refuses an assertion %s', async (_label, make) => {
    await expectInvalidClient(await withAssertion(h, '/token', await make(), CC));
  });

  it('refuses an unsigned (alg none) assertion', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none' })}.${encode({
      iss: clientId,
      sub: clientId,
      aud: `${ISSUER}/token`,
      jti: 'unsigned-1',
      exp: now + 60,
    })}.`;
    await expectInvalidClient(await withAssertion(h, '/token', unsigned, CC));
  });

  it('is not a public client: no assertion, no token', async () => {
    await expectInvalidClient(
      await h.request('/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...CC, client_id: clientId }).toString(),
      }),
    );
  });

  it('refuses a client_id that is not the assertion subject, and two methods at once', async () => {
    const signed = await assertion(key, clientId);
    await expectInvalidClient(
      await withAssertion(h, '/token', signed, { ...CC, client_id: 'client_other' }),
    );
    const both = await h.request('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...CC,
        client_secret: 'x',
        client_assertion_type: JWT_BEARER,
        client_assertion: signed,
      }).toString(),
    });
    expect(both.status).toBe(400);
  });

  it('refuses every assertion once the client is disabled', async () => {
    await asSuperuser(h.db.driver, 'UPDATE clients SET disabled_at = now() WHERE client_id = $1', [
      clientId,
    ]);
    try {
      await expectInvalidClient(
        await withAssertion(h, '/token', await assertion(key, clientId), CC),
      );
    } finally {
      await asSuperuser(h.db.driver, 'UPDATE clients SET disabled_at = NULL WHERE client_id = $1', [
        clientId,
      ]);
    }
  });

  it('authenticates introspection and revocation too', async () => {
    const { access_token } = (await (
      await withAssertion(h, '/token', await assertion(key, clientId), CC)
    ).json()) as { access_token: string };
    const introspected = await withAssertion(h, '/introspect', await assertion(key, clientId), {
      token: access_token,
    });
    expect(await introspected.json()).toMatchObject({ active: true, sub: clientId });
    const revoked = await withAssertion(h, '/revoke', await assertion(key, clientId), {
      token: access_token,
    });
    expect(revoked.status).toBe(200);
  });
});

describe('keys published at a jwks_uri', () => {
  it('are fetched, and fetched again when the client signs with a key the server lacks', async () => {
    const first = await clientKey('first');
    const second = await clientKey('second');
    docs.json('/jwks.json', { keys: [first.publicJwk] }, { 'cache-control': 'max-age=3600' });
    const registered = await register(h, {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: `${docs.origin}/jwks.json`,
      grant_types: ['client_credentials'],
    });
    expect(registered.status).toBe(201);
    const id = registered.body.client_id as string;
    expect((await withAssertion(h, '/token', await assertion(first, id), CC)).status).toBe(200);
    // The client rotates to a second key and publishes it; the cached set lacks it.
    docs.json('/jwks.json', { keys: [first.publicJwk, second.publicJwk] });
    expect((await withAssertion(h, '/token', await assertion(second, id), CC)).status).toBe(200);
    expect(docs.seen.filter((s) => s.path === '/jwks.json').length).toBe(2);
  });

  it('must not hold private key material', async () => {
    const leaky = await clientKey();
    const registered = await register(h, {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...leaky.publicJwk, d: 'AAAA' }] },
      grant_types: ['client_credentials'],
    });
    expect(registered.status).toBe(400);
    expect(registered.body).toMatchObject({ error: 'invalid_client_metadata' });
  });
});
