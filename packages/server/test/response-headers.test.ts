import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthorization, tokenRequest } from './support/flow.js';
import { type ClientFixture, createHarness, type Harness } from './support/harness.js';

let h: Harness;
let client: ClientFixture;

beforeAll(async () => {
  h = await createHarness({ ISSUER: 'https://auth.example' });
  const owner = await h.createUser();
  client = await h.createClient(owner.email);
});
afterAll(() => h.dispose());

function expectBaseline(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
}

describe('security headers on every kind of response', () => {
  it('JSON success gets the baseline and the default CSP', async () => {
    const response = await h.request('/.well-known/openid-configuration');
    expect(response.status).toBe(200);
    expectBaseline(response);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('the sign-in page keeps its own nonce CSP, not the default', async () => {
    const started = await startAuthorization(h, client);
    expect(started.response.status).toBe(200);
    expectBaseline(started.response);
    const csp = started.response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/nonce-/);
    expect(csp).not.toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('errors (thrown, 404, bad grant) carry the headers too', async () => {
    for (const response of [
      await h.request('/no-such-endpoint'),
      await h.request('/token', { method: 'GET' }),
      await tokenRequest(h, client, { grant_type: 'refresh_token', refresh_token: 'nope' }),
    ]) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expectBaseline(response);
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    }
  });
});
