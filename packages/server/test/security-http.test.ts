import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';

let h: SecurityHarness;

beforeAll(async () => {
  h = await securityHarness({ MAX_BODY_BYTES: '2048' });
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

function expectBaselineHeaders(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
}

describe('security headers', () => {
  it('are on every kind of response: JSON, HTML, errors, 404, 405', async () => {
    const responses = await Promise.all([
      h.request('/.well-known/oauth-authorization-server'),
      h.request('/authorize?client_id=nope'),
      h.request('/token', { method: 'POST' }),
      h.request('/no-such-path'),
      h.request('/token'),
      h.request('/health'),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 400, 415, 404, 405, 200]);
    for (const response of responses) expectBaselineHeaders(response);
    expect(responses[1]?.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    // Plain http issuer: no HSTS (it would be ignored, and pins nothing).
    expect(responses[0]?.headers.get('strict-transport-security')).toBeNull();
  });

  it('sends no-store on token, userinfo and introspection responses, success or error', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const responses = await Promise.all([
      h.request('/token', { method: 'POST', headers: form, body: 'grant_type=password' }),
      h.request('/userinfo'),
      h.request('/introspect', { method: 'POST', headers: form, body: 'token=x' }),
    ]);
    for (const response of responses)
      expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses bodies over MAX_BODY_BYTES with 413', async () => {
    const response = await h.request('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=${'a'.repeat(4096)}`,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'request_too_large' });
  });

  it('judges a declared Content-Length from the header, and a body within it normally', async () => {
    const send = (length: string) =>
      h.request('/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': length },
        body: 'grant_type=password',
      });
    const declaredTooLarge = await send('4096');
    expect(declaredTooLarge.status).toBe(413);
    expect(await declaredTooLarge.json()).toMatchObject({ error: 'request_too_large' });
    const fits = await send(String('grant_type=password'.length));
    expect(fits.status).toBe(400);
    expect(await fits.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it(
    'adds HSTS when the issuer is https',
    async () => {
      const secure = await securityHarness({ ISSUER: 'https://auth.example.com' });
      try {
        const response = await secure.request('/health');
        expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      } finally {
        await secure.dispose();
      }
    },
    HOOK_TIMEOUT,
  );
});

// CORS per endpoint is tested in cors.test.ts.

describe('HTTPS in production', () => {
  const production = {
    NODE_ENV: 'production',
    ISSUER: 'https://auth.example.com',
    KEY_ENCRYPTION_KEY: 'q7Zx2mP9vL4kR8tW1nB6yH3cJ5fD0gS_aE-uIoK',
    TRUST_PROXY: '1',
    CORS_ORIGINS: 'none',
  };

  it(
    'refuses plain http unless the trusted proxy reports https',
    async () => {
      const prod = await securityHarness(production);
      try {
        const plain = await prod.request('/.well-known/openid-configuration');
        expect(plain.status).toBe(403);
        expect(await plain.json()).toMatchObject({
          error: 'invalid_request',
          error_description: expect.stringMatching(/HTTPS is required/),
        });
        const proxied = await prod.request('/.well-known/openid-configuration', {
          headers: { 'x-forwarded-proto': 'https' },
        });
        expect(proxied.status).toBe(200);
        expect(proxied.headers.get('strict-transport-security')).toMatch(/max-age/);
        expect((await prod.request('/health')).status).toBe(200);
      } finally {
        await prod.dispose();
      }
    },
    HOOK_TIMEOUT,
  );

  it('will not start with an unsafe configuration, and says why', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...production, ...env });
        return '';
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
    };
    expect(problems({})).toBe('');
    expect(problems({ KEY_ENCRYPTION_KEY: 'short' })).toMatch(
      /KEY_ENCRYPTION_KEY is shorter than 32 bytes/,
    );
    expect(problems({ KEY_ENCRYPTION_KEY: 'changeme-changeme-changeme-changeme-1234' })).toMatch(
      /KEY_ENCRYPTION_KEY looks like a placeholder/,
    );
    expect(problems({ KEY_ENCRYPTION_KEY: '' })).toMatch(/KEY_ENCRYPTION_KEY is not set/);
    expect(problems({ SIGNING_ALG: 'HS256' })).toMatch(/JWT_SECRET is not set/);
    expect(
      problems({ SIGNING_ALG: 'HS256', JWT_SECRET: 'changeme-changeme-changeme-1234567' }),
    ).toMatch(/JWT_SECRET looks like a placeholder/);
    expect(problems({ ISSUER: 'http://auth.example.com' })).toMatch(/ISSUER must be https/);
    expect(problems({ CORS_ORIGINS: '' })).toMatch(/CORS_ORIGINS is not set/);
    expect(problems({ TRUST_PROXY: '' })).toMatch(/TLS-terminating proxy/);
    expect(problems({ CORS_ORIGINS: '*' })).toMatch(/"\*" is refused/);
    expect(problems({ CORS_ORIGINS: 'https://a.example/path' })).toMatch(/is not an origin/);
    expect(problems({ RATE_LIMITS: 'token=abc' })).toMatch(/RATE_LIMITS entry "token=abc"/);
    expect(problems({ REDIS_URL: 'http://x' })).toMatch(/REDIS_URL must be an absolute redis:/);
    const several = problems({
      KEY_ENCRYPTION_KEY: '',
      ISSUER: 'http://x.example',
      CORS_ORIGINS: '',
    });
    expect(several.split('\n - ')).toHaveLength(4);
  });
});
