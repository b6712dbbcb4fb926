import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertion, clientKey, withAssertion } from './support/client-keys.js';
import { dnsStub } from './support/dns-stub.js';
import { type DocumentServer, startDocumentServer } from './support/document-server.js';
import {
  authenticateAgent,
  checkStatus,
  obtainTokens,
  startAuthorization,
} from './support/flow.js';
import {
  type ClientFixture,
  createHarness,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';

// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): an https URL
// as client_id. Documents are served on loopback, which CLIENT_METADATA_ALLOW_LOOPBACK_HTTP
// allows in development only; the hostile cases run against a server without it.
let h: Harness;
let docs: DocumentServer;
const dns = dnsStub({ 'client.test': ['127.0.0.1'], 'rebind.test': [['127.0.0.1'], ['10.0.0.7']] });

beforeAll(async () => {
  docs = await startDocumentServer();
  h = await createHarness(
    {
      CLIENT_METADATA_ALLOW_LOOPBACK_HTTP: '1',
      CLIENT_METADATA_TIMEOUT_MS: '800',
      CLIENT_METADATA_CACHE_MIN: '0',
    },
    { resolveHost: dns.resolve },
  );
});
afterAll(async () => {
  await docs.close();
  await h.dispose();
});

const asClient = (clientId: string): ClientFixture => ({
  client_id: clientId,
  client_secret: null,
  redirect_uris: [REDIRECT_URI],
});

function serve(path: string, extra: Record<string, unknown> = {}, headers = {}) {
  const clientId = `${docs.origin}${path}`;
  docs.json(
    path,
    {
      client_id: clientId,
      client_name: 'Loopback MCP client',
      redirect_uris: [REDIRECT_URI],
      ...extra,
    },
    headers,
  );
  return clientId;
}

const fetches = (path: string) => docs.seen.filter((s) => s.path === path).length;

describe('a client identified by the URL of its metadata document', () => {
  it('signs an agent in, shown by the host of its URL, and gets tokens', async () => {
    const clientId = serve('/happy.json', {}, { 'cache-control': 'max-age=600' });
    const agent = await h.createAgent((await h.createUser()).email);
    const started = await startAuthorization(h, asClient(clientId));
    expect(started.response.status).toBe(200);
    expect(started.html).toContain(`Sign in to ${new URL(clientId).host}`);
    expect(started.html).toContain('names itself “Loopback MCP client”');
    expect((await authenticateAgent(h, started.requestId, agent)).status).toBe(200);
    expect((await checkStatus(h, started.requestId, started.cookie)).status).toBe('authenticated');
    const tokens = await obtainTokens(h, asClient(clientId), agent);
    expect(tokens.token_type).toBe('Bearer');
    // max-age=600: fetched once for all of the above.
    expect(fetches('/happy.json')).toBe(1);
  });

  it('fetches again when the document forbids caching, so changes take effect', async () => {
    const clientId = serve('/no-store.json', {}, { 'cache-control': 'no-store' });
    expect((await startAuthorization(h, asClient(clientId))).response.status).toBe(200);
    serve(
      '/no-store.json',
      { redirect_uris: ['http://localhost:3000/moved'] },
      { 'cache-control': 'no-store' },
    );
    expect((await startAuthorization(h, asClient(clientId))).response.status).toBe(400);
    expect(fetches('/no-store.json')).toBe(2);
  });

  it('does not cache a failure', async () => {
    const path = '/late.json';
    const clientId = `${docs.origin}${path}`;
    expect((await startAuthorization(h, asClient(clientId))).html).toContain(
      'did not answer 200 OK',
    );
    serve(path);
    expect((await startAuthorization(h, asClient(clientId))).response.status).toBe(200);
  });

  it('connects to the address it checked: one DNS answer per fetch, pinned', async () => {
    for (const host of ['client.test', 'rebind.test']) {
      const clientId = `http://${host}:${docs.port}/pinned-${host}.json`;
      docs.json(`/pinned-${host}.json`, { client_id: clientId, redirect_uris: [REDIRECT_URI] });
      const started = await startAuthorization(h, asClient(clientId));
      expect(started.response.status).toBe(200);
      expect(docs.seen.find((s) => s.path === `/pinned-${host}.json`)?.host).toBe(
        `${host}:${docs.port}`,
      );
      expect(dns.calls.get(host)).toBe(1);
    }
  });

  it('may authenticate with private_key_jwt, keys in the document or at its jwks_uri', async () => {
    const inline = await clientKey();
    const remote = await clientKey();
    docs.json('/keys.json', { keys: [remote.publicJwk] });
    const signed = {
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'],
    };
    const clients = [
      {
        key: inline,
        clientId: serve('/signed-inline.json', { ...signed, jwks: { keys: [inline.publicJwk] } }),
      },
      {
        key: remote,
        clientId: serve('/signed-remote.json', { ...signed, jwks_uri: `${docs.origin}/keys.json` }),
      },
    ];
    const grant = { grant_type: 'client_credentials' };
    for (const { key, clientId } of clients) {
      const response = await withAssertion(h, '/token', await assertion(key, clientId), grant);
      expect(response.status).toBe(200);
      const impostor = await clientKey(key.kid);
      const forged = await withAssertion(h, '/token', await assertion(impostor, clientId), grant);
      expect(forged.status).toBe(401);
    }
  });

  it.each([
    [
      'names another client_id',
      { client_id: 'https://impostor.example/client.json' },
      'does not name this URL',
    ],
    [
      'uses a client secret',
      { token_endpoint_auth_method: 'client_secret_basic' },
      'cannot use a client secret',
    ],
    ['carries a client_secret', { client_secret: 'shh' }, 'must not contain client_secret'],
    ['has a javascript: redirect URI', { redirect_uris: ['javascript:alert(1)'] }, 'is invalid'],
  ])('refuses a document that %s', async (label, change, message) => {
    const path = `/bad-${label.replace(/\W+/g, '-')}.json`;
    const clientId = serve(path, change);
    const started = await startAuthorization(h, asClient(clientId));
    expect(started.response.status).toBe(400);
    expect(started.html).toContain(message);
  });

  it('refuses a redirect URI the document does not list', async () => {
    const clientId = serve('/strict.json');
    const started = await startAuthorization(h, asClient(clientId), {
      redirect_uri: 'http://localhost:3000/evil',
    });
    expect(started.response.status).toBe(400);
    expect(started.html).toContain('The redirect_uri is not registered');
  });

  it.each([
    [
      'a redirect to a private address',
      (_req: unknown, res: ServerResponse) =>
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end(),
      'redirect',
    ],
    [
      'a redirect to itself',
      (_req: unknown, res: ServerResponse) => res.writeHead(301, { location: '/happy.json' }).end(),
      'redirect',
    ],
    [
      'an oversize document',
      (_req: unknown, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ padding: 'x'.repeat(6000) }));
      },
      'larger than',
    ],
    [
      'an oversize document without Content-Length',
      (_req: unknown, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        for (let i = 0; i < 12; i++) res.write(' '.repeat(1024));
        res.end('{}');
      },
      'larger than',
    ],
    ['a document that never arrives', () => {}, 'did not answer in time'],
    [
      'a document that drips',
      (_req: unknown, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 100);
        res.on('close', () => clearInterval(timer));
      },
      'did not answer in time',
    ],
    [
      'HTML',
      (_req: unknown, res: ServerResponse) =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'),
      'is not a JSON document',
    ],
  ])('refuses %s', async (label, route, message) => {
    const path = `/hostile-${label.replace(/\W+/g, '-')}`;
    docs.route(path, route);
    const started = await startAuthorization(h, asClient(`${docs.origin}${path}`));
    expect(started.response.status).toBe(400);
    expect(started.html).toContain(message);
  });
});
