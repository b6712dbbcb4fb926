import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, ISSUER } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.dispose());

describe('discovery (RFC 8414)', () => {
  it.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])(
    '%s lists every endpoint and value',
    async (path) => {
      const response = await h.request(path);
      expect(response.status).toBe(200);
      const metadata = (await response.json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/authorize`,
        token_endpoint: `${ISSUER}/token`,
        introspection_endpoint: `${ISSUER}/introspect`,
        revocation_endpoint: `${ISSUER}/revoke`,
        userinfo_endpoint: `${ISSUER}/userinfo`,
        jwks_uri: `${ISSUER}/.well-known/jwks.json`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        scopes_supported: ['openid', 'profile', 'email'],
        token_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
          'private_key_jwt',
          'none',
        ],
        token_endpoint_auth_signing_alg_values_supported: [
          'ES256',
          'ES384',
          'PS256',
          'RS256',
          'EdDSA',
        ],
        registration_endpoint: `${ISSUER}/register`,
        client_id_metadata_document_supported: true,
      });
    },
  );

  it('leaves out what is turned off: registration and metadata documents', async () => {
    const off = await createHarness({
      CLIENT_REGISTRATION: 'off',
      CLIENT_ID_METADATA_DOCUMENTS: 'off',
    });
    try {
      const metadata = (await (
        await off.request('/.well-known/oauth-authorization-server')
      ).json()) as Record<string, unknown>;
      expect(metadata).not.toHaveProperty('registration_endpoint');
      expect(metadata.client_id_metadata_document_supported).toBe(false);
      const register = await off.request('/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: ['https://app.example/cb'] }),
      });
      expect(register.status).toBe(404);
    } finally {
      await off.dispose();
    }
  });

  it('names the signing and DPoP algorithms and what OpenID Connect Discovery requires', async () => {
    const metadata = (await (
      await h.request('/.well-known/openid-configuration')
    ).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      access_token_signing_alg_values_supported: ['ES256'],
      id_token_signing_alg_values_supported: ['ES256'],
      subject_types_supported: ['public'],
      dpop_signing_alg_values_supported: ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'],
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      claims_parameter_supported: false,
    });
    expect(metadata.claims_supported).toEqual(
      expect.arrayContaining(['sub', 'auth_time', 'nonce', 'at_hash', 'email', 'name', 'model']),
    );
  });
});
describe('health', () => {
  it('reports liveness and readiness that touches the database', async () => {
    expect(await (await h.request('/health')).json()).toEqual({ status: 'ok' });
    const ready = await h.request('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });
});

describe('unknown routes and methods', () => {
  it('answers an unknown path with a JSON 404', async () => {
    const response = await h.request('/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const response = await h.request('/authorize', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('sets baseline security headers on every response', async () => {
    const response = await h.request('/health');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });
});
