import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createResourceServer,
  type ResourceServer,
  ResourceServerError,
} from '../src/resource-server/index.js';
import {
  accessTokenClaims,
  type FakeIssuer,
  nowSeconds,
  startFakeIssuer,
} from './support/fake-issuer.js';

// Offline verification of RFC 9068 access tokens against a stand-in issuer's JWKS.
const RESOURCE = 'https://api.example.com/mcp';
const METADATA_URL = 'https://api.example.com/.well-known/oauth-protected-resource/mcp';
let issuer: FakeIssuer;
let api: ResourceServer;

beforeAll(async () => {
  issuer = await startFakeIssuer();
  await issuer.addKey('ES256', 'es');
  await issuer.addKey('EdDSA', 'ed');
  await issuer.addKey('RS256', 'rs');
  // Same kid as a published key, never published itself: a forger's key.
  await issuer.addKey('ES256', 'forged', false);
  api = createResourceServer({ issuer: issuer.issuer, resource: RESOURCE });
});
afterAll(() => issuer.close());

const claims = (overrides: Record<string, unknown> = {}) =>
  accessTokenClaims(issuer.issuer, RESOURCE, overrides);
const request = (authorization?: string) =>
  new Request(`${RESOURCE}/tools`, authorization ? { headers: { authorization } } : {});

async function refusalOf(promise: Promise<unknown>): Promise<ResourceServerError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ResourceServerError);
  return error as ResourceServerError;
}

async function expectInvalid(token: string, description: string) {
  const error = await refusalOf(api.verify(request(`Bearer ${token}`)));
  expect(error.code).toBe('invalid_token');
  expect(error.message).toBe(description);
  expect(error.refusal.status).toBe(401);
  expect(error.refusal.headers['WWW-Authenticate']).toBe(
    `Bearer resource_metadata="${METADATA_URL}", error="invalid_token", error_description="${description}"`,
  );
}

describe('valid tokens', () => {
  it.each([
    ['ES256', 'es'],
    ['EdDSA', 'ed'],
    ['RS256', 'rs'],
  ])('accepts a %s token and reports who it is for', async (_alg, kid) => {
    const token = await issuer.sign(claims(), kid);
    const verified = await api.verify(request(`Bearer ${token}`));
    expect(verified).toMatchObject({
      agentId: 'agent_test',
      clientId: 'client_test',
      scopes: ['openid', 'tools:read'],
      verifiedBy: 'jwks',
      dpopKeyThumbprint: undefined,
    });
    expect(verified.claims.aud).toBe(RESOURCE);
  });

  it('fetched the JWKS once for all of them', () => {
    expect(issuer.jwksRequests).toBe(1);
  });

  it('accepts an array aud naming the resource, application/at+jwt, and a 10 s clock skew', async () => {
    const accepted = [
      await issuer.sign(claims({ aud: ['https://other.example', RESOURCE] }), 'es'),
      await issuer.sign(claims(), 'es', { typ: 'application/at+jwt' }),
      await issuer.sign(claims({ exp: nowSeconds() - 10, iat: nowSeconds() - 600 }), 'es'),
    ];
    for (const token of accepted)
      await expect(api.verify(request(`Bearer ${token}`))).resolves.toBeTruthy();
  });

  it("accepts a website's client_id as audience when told to", async () => {
    const website = createResourceServer({
      issuer: issuer.issuer,
      resource: RESOURCE,
      audience: 'client_test',
    });
    const token = await issuer.sign(claims({ aud: 'client_test' }), 'es');
    await expect(website.verify(request(`Bearer ${token}`))).resolves.toMatchObject({
      agentId: 'agent_test',
    });
    await expectInvalid(token, 'The access token is meant for another audience.');
  });
});

describe('refused tokens', () => {
  it('refuses another issuer, another audience, an array aud without the resource', async () => {
    await expectInvalid(
      await issuer.sign(claims({ iss: 'https://evil.example' }), 'es'),
      'The access token was issued by another authorization server.',
    );
    await expectInvalid(
      await issuer.sign(claims({ aud: 'https://api.example.com/other' }), 'es'),
      'The access token is meant for another audience.',
    );
    await expectInvalid(
      await issuer.sign(claims({ aud: ['https://a.example', 'https://b.example'] }), 'es'),
      'The access token is meant for another audience.',
    );
  });

  it('refuses expired, not-yet-valid and future-issued tokens beyond the 30 s skew', async () => {
    await expectInvalid(
      await issuer.sign(claims({ iat: nowSeconds() - 700, exp: nowSeconds() - 60 }), 'es'),
      'The access token has expired.',
    );
    await expectInvalid(
      await issuer.sign(claims({ nbf: nowSeconds() + 120 }), 'es'),
      'The access token is not valid yet.',
    );
    await expectInvalid(
      await issuer.sign(claims({ iat: nowSeconds() + 120 }), 'es'),
      'The access token is issued in the future.',
    );
  });

  it('refuses a token that is not typ at+jwt (an ID token, a plain JWT)', async () => {
    for (const typ of ['JWT', 'id_token+jwt', undefined])
      await expectInvalid(
        await issuer.sign(claims(), 'es', { typ }),
        'The access token is not valid.',
      );
  });

  it.each(['jti', 'client_id', 'sub', 'exp', 'iat', 'aud', 'iss'])(
    'refuses a token without %s (RFC 9068 §2.2)',
    async (claim) => {
      const incomplete: Record<string, unknown> = claims();
      delete incomplete[claim];
      const error = await refusalOf(
        api.verify(request(`Bearer ${await issuer.sign(incomplete, 'es')}`)),
      );
      expect(error.code).toBe('invalid_token');
    },
  );

  it('refuses alg none and HS256, including HS256 keyed with the public key (alg confusion)', async () => {
    const header = (alg: string) =>
      base64url.encode(JSON.stringify({ alg, typ: 'at+jwt', kid: 'rs' }));
    const payload = base64url.encode(JSON.stringify(claims()));
    const unsigned = `${header('none')}.${payload}.`;
    const { createHmac } = await import('node:crypto');
    const jwks = (await (await fetch(`${issuer.issuer}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    const publicKeyAsSecret = JSON.stringify(jwks.keys.find((k) => k.kid === 'rs'));
    const hsInput = `${header('HS256')}.${payload}`;
    const hs = `${hsInput}.${createHmac('sha256', publicKeyAsSecret).update(hsInput).digest('base64url')}`;
    for (const token of [unsigned, hs])
      await expectInvalid(
        token,
        'The access token is not a JWT signed with an algorithm of the issuer.',
      );
  });

  it('refuses a signature by an unpublished key under a published kid, and a tampered payload', async () => {
    await expectInvalid(
      await issuer.sign(claims(), 'forged', { kid: 'es' }),
      'The access token is not valid.',
    );
    const [head, , signature] = (await issuer.sign(claims(), 'es')).split('.');
    const elevated = base64url.encode(JSON.stringify(claims({ scope: 'admin' })));
    await expectInvalid(`${head}.${elevated}.${signature}`, 'The access token is not valid.');
  });

  it('refuses an algorithm the issuer does not advertise, even with a published key', async () => {
    const esOnly = await startFakeIssuer(['ES256']);
    await esOnly.addKey('ES256', 'es');
    await esOnly.addKey('RS256', 'rs');
    const strict = createResourceServer({ issuer: esOnly.issuer, resource: RESOURCE });
    const sign = (kid: string) => esOnly.sign(accessTokenClaims(esOnly.issuer, RESOURCE), kid);
    await expect(strict.verify(request(`Bearer ${await sign('es')}`))).resolves.toBeTruthy();
    const error = await refusalOf(strict.verify(request(`Bearer ${await sign('rs')}`)));
    expect(error.code).toBe('invalid_token');
    await esOnly.close();
  });
});

describe('requests without a usable token', () => {
  it('answers 401 with a bare challenge when no token is sent (RFC 6750 §3.1)', async () => {
    for (const authorization of [undefined, 'Basic YTpi']) {
      const error = await refusalOf(api.verify(request(authorization)));
      expect(error.code).toBe('missing_token');
      expect(error.refusal.status).toBe(401);
      expect(error.refusal.headers['WWW-Authenticate']).toBe(
        `Bearer resource_metadata="${METADATA_URL}"`,
      );
    }
  });

  it('answers 400 invalid_request for a malformed Authorization header', async () => {
    for (const authorization of ['Bearer', 'Bearer a b', 'Bearer a"b']) {
      const error = await refusalOf(api.verify(request(authorization)));
      expect(error.refusal.status).toBe(400);
      expect(error.refusal.body.error).toBe('invalid_request');
    }
    const token = await issuer.sign(claims(), 'es');
    const absoluteTarget = api.verifyIncoming({
      method: 'GET',
      pathAndQuery: 'http://evil.example/mcp',
      authorization: `Bearer ${token}`,
      dpop: null,
    });
    expect((await refusalOf(absoluteTarget)).refusal.status).toBe(400);
  });

  it('answers 503 without a challenge while the JWKS is down, then recovers', async () => {
    const flaky = await startFakeIssuer();
    await flaky.addKey('ES256', 'es');
    flaky.jwksStatus = 503;
    const server = createResourceServer({ issuer: flaky.issuer, resource: RESOURCE });
    const token = await flaky.sign(accessTokenClaims(flaky.issuer, RESOURCE), 'es');
    const error = await refusalOf(server.verify(request(`Bearer ${token}`)));
    expect(error.refusal.status).toBe(503);
    expect(error.refusal.headers['WWW-Authenticate']).toBeUndefined();
    expect(error.refusal.body.error).toBe('temporarily_unavailable');
    flaky.jwksStatus = 200;
    await expect(server.verify(request(`Bearer ${token}`))).resolves.toBeTruthy();
    await flaky.close();
  });

  it('answers 503 while discovery fails, retries it after 10 s (not per request), then verifies', async () => {
    let discoveries = 0;
    let up = false;
    const flakyFetch: typeof fetch = (input, init) => {
      if (String(input).endsWith('/oauth-authorization-server')) discoveries++;
      return up ? fetch(input, init) : Promise.reject(new TypeError('connection refused'));
    };
    const server = createResourceServer({
      issuer: issuer.issuer,
      resource: RESOURCE,
      fetch: flakyFetch,
      retry: { retries: 0 },
    });
    const token = await issuer.sign(claims(), 'es');
    for (let i = 0; i < 3; i++) {
      const error = await refusalOf(server.verify(request(`Bearer ${token}`)));
      expect(error.refusal.status).toBe(503);
    }
    expect(discoveries).toBe(1);
    up = true;
    const realNow = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(realNow + 9_000);
    await expect(server.verify(request(`Bearer ${token}`))).rejects.toMatchObject({ status: 503 });
    clock.mockReturnValue(realNow + 10_001);
    await expect(server.verify(request(`Bearer ${token}`))).resolves.toBeTruthy();
    clock.mockRestore();
    expect(discoveries).toBe(2);
  });

  it('cannot verify for an issuer that signs symmetrically: ready() fails, requests get 503', async () => {
    const symmetric = await startFakeIssuer(['HS256']);
    const server = createResourceServer({ issuer: symmetric.issuer, resource: RESOURCE });
    await expect(server.ready()).rejects.toMatchObject({ code: 'invalid_config' });
    const error = await refusalOf(server.verify(request('Bearer a.b.c')));
    expect(error.refusal.status).toBe(503);
    await symmetric.close();
  });

  it('refuses a bad configuration up front', () => {
    const bad = [
      { resource: 'http://api.example.com/mcp' },
      { resource: 'https://api.example.com/mcp#frag' },
      { resource: 'https://api.example.com/mcp?x=1' },
      { resource: 'not a url' },
      { resource: RESOURCE, scopes: ['has space'] },
      { resource: RESOURCE, scopes: ['quo"te'] },
      { resource: RESOURCE, dpopAlgorithms: ['HS256'] },
      { resource: RESOURCE, dpopAlgorithms: ['none'] },
    ];
    for (const options of bad)
      expect(() => createResourceServer({ issuer: issuer.issuer, ...options })).toThrow(
        expect.objectContaining({ code: 'invalid_config' }),
      );
  });
});
