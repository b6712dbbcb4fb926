import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertion, clientKey, register, withAssertion } from './support/client-keys.js';
import { dnsStub } from './support/dns-stub.js';
import { type DocumentServer, startDocumentServer } from './support/document-server.js';
import { startAuthorization } from './support/flow.js';
import {
  type ClientFixture,
  createHarness,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';

// Server-side request forgery through a client_id URL (CIMD draft §"SSRF Attacks"): the
// server must not fetch from special-use addresses, whether named directly or through DNS,
// and its fetches are rate limited. Redirects, size and time limits are in
// client-metadata-document.test.ts.
let docs: DocumentServer;
beforeAll(async () => {
  docs = await startDocumentServer();
});
afterAll(() => docs.close());

const asClient = (clientId: string): ClientFixture => ({
  client_id: clientId,
  client_secret: null,
  redirect_uris: [REDIRECT_URI],
});

function serve(path: string) {
  const clientId = `${docs.origin}${path}`;
  docs.json(path, { client_id: clientId, redirect_uris: [REDIRECT_URI] });
  return clientId;
}

describe('metadata documents at addresses the server must not reach', () => {
  let strict: Harness;
  const strictDns = dnsStub({
    'internal.test': ['10.1.2.3'],
    'mixed.test': ['93.184.216.34', '192.168.1.1'],
    'metadata.test': ['169.254.169.254'],
    'mapped.test': ['::ffff:127.0.0.1'],
    'cgnat.test': ['100.64.0.9'],
    'ula.test': ['fd00::1'],
    'loopback.test': ['127.0.0.1'],
  });
  beforeAll(async () => {
    strict = await createHarness({}, { resolveHost: strictDns.resolve });
  });
  afterAll(() => strict.dispose());

  it.each([
    'https://10.0.0.1/client.json',
    'https://127.0.0.1/client.json',
    'https://[::1]/client.json',
    'https://169.254.169.254/client.json',
    'https://100.64.0.1/client.json',
    'https://0.0.0.0/client.json',
    'https://224.0.0.1/client.json',
    'https://[::ffff:a00:1]/client.json',
    'https://[fe80::1]/client.json',
  ])('refuses %s outright', async (clientId) => {
    const started = await startAuthorization(strict, asClient(clientId));
    expect(started.response.status).toBe(400);
    expect(started.html).toContain('does not resolve to a public address');
  });

  it.each(['internal', 'mixed', 'metadata', 'mapped', 'cgnat', 'ula', 'loopback'])(
    'refuses a host that resolves to a special-use address (%s)',
    async (name) => {
      const started = await startAuthorization(
        strict,
        asClient(`https://${name}.test/client.json`),
      );
      expect(started.response.status).toBe(400);
      expect(started.html).toContain('does not resolve to a public address');
    },
  );

  it('does not fetch a registered jwks_uri on a private network either', async () => {
    const key = await clientKey();
    const { status, body } = await register(strict, {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'https://internal.test/jwks.json',
      grant_types: ['client_credentials'],
    });
    expect(status).toBe(201);
    const clientId = body.client_id as string;
    const response = await withAssertion(strict, '/token', await assertion(key, clientId), {
      grant_type: 'client_credentials',
    });
    expect(response.status).toBe(401);
    await strict.ctx.security.flush();
    expect(strict.logs.join('\n')).toContain('jwks_forbidden_address');
  });

  it('refuses http, and a host that does not resolve, without saying more', async () => {
    const plain = await startAuthorization(strict, asClient(`${docs.origin}/happy.json`));
    expect(plain.html).toContain('must use https');
    const nowhere = await startAuthorization(strict, asClient('https://nowhere.test/client.json'));
    expect(nowhere.html).toContain('could not be reached');
    expect(nowhere.html).not.toContain('ENOTFOUND');
  });
});

describe('fetch budgets', () => {
  it('limits fetches per host', async () => {
    const limited = await createHarness({
      CLIENT_METADATA_ALLOW_LOOPBACK_HTTP: '1',
      CLIENT_METADATA_CACHE_MIN: '0',
      RATE_LIMITS: 'metadata_fetch=100/2',
    });
    try {
      for (const n of [1, 2]) {
        const clientId = serve(`/budget-${n}.json`);
        expect((await startAuthorization(limited, asClient(clientId))).response.status).toBe(200);
      }
      const third = await startAuthorization(limited, asClient(serve('/budget-3.json')));
      expect(third.response.status).toBe(429);
      expect(docs.seen.filter((s) => s.path === '/budget-3.json').length).toBe(0);
    } finally {
      await limited.dispose();
    }
  });
});
