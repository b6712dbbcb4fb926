import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover, verifyAccessToken, type WebsiteClient } from '../src/website/index.js';
import { type StubServer, startStub } from './support/http.js';
import { PORTS } from './support/ports.js';

// A stand-in authorization server that signs access tokens with RS256 and publishes its
// key: the case where verifyAccessToken must check locally against the JWKS.
const ISSUER = `http://127.0.0.1:${PORTS.jwksServer}`;
const CLIENT_ID = 'client_jwks';
let stub: StubServer;
let client: WebsiteClient;
let sign: (claims: Record<string, unknown>, typ?: string) => Promise<string>;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  sign = (claims, typ = 'at+jwt') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1', typ }).sign(privateKey);
  stub = await startStub(PORTS.jwksServer, (req, res) => {
    res.writeHead(req.url.startsWith('/.well-known/') ? 200 : 404, {
      'content-type': 'application/json',
    });
    if (req.url === '/.well-known/jwks.json') return void res.end(JSON.stringify({ keys: [jwk] }));
    if (req.url !== '/.well-known/oauth-authorization-server') return void res.end('{}');
    res.end(
      JSON.stringify({
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/authorize`,
        token_endpoint: `${ISSUER}/token`,
        introspection_endpoint: `${ISSUER}/introspect`,
        jwks_uri: `${ISSUER}/.well-known/jwks.json`,
        access_token_signing_alg_values_supported: ['RS256'],
      }),
    );
  });
  client = await discover({
    issuer: ISSUER,
    clientId: CLIENT_ID,
    clientSecret: 'secret',
    redirectUri: 'http://127.0.0.1/cb',
  });
});
afterAll(() => stub.close());

const now = () => Math.floor(Date.now() / 1000);
const good = () => ({
  iss: ISSUER,
  sub: 'agent_1',
  aud: CLIENT_ID,
  client_id: CLIENT_ID,
  scope: 'openid email',
  model: 'm-1',
  jti: `j${Math.random()}`,
  iat: now(),
  exp: now() + 600,
});

describe('verifyAccessToken with an asymmetric server', () => {
  it('verifies locally against the JWKS, without introspection', async () => {
    const verified = await verifyAccessToken(client, await sign(good()));
    expect(verified).toMatchObject({
      agentId: 'agent_1',
      clientId: CLIENT_ID,
      scopes: ['openid', 'email'],
      model: 'm-1',
      verifiedBy: 'jwks',
    });
    expect(stub.requests.some((r) => r.url === '/introspect')).toBe(false);
  });

  it('refuses another audience, an expired token, another issuer, a wrong typ, a bad signature', async () => {
    const cases = [
      await sign({ ...good(), aud: 'someone-else' }),
      await sign({ ...good(), iat: now() - 7200, exp: now() - 3600 }),
      await sign({ ...good(), iss: 'https://evil.example' }),
      await sign(good(), 'JWT'),
      `${(await sign(good())).slice(0, -4)}AAAA`,
    ];
    for (const token of cases) {
      await expect(verifyAccessToken(client, token)).rejects.toMatchObject({
        code: 'invalid_token',
      });
    }
  });
});
