import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

export type TokenAlgorithm = 'ES256' | 'EdDSA' | 'RS256';

interface SigningKey {
  kid: string;
  alg: TokenAlgorithm;
  privateKey: CryptoKey;
  jwk: JWK;
}

/**
 * A stand-in Auth Agent server for resource-server tests: RFC 8414 metadata and a JWKS on a
 * random port, keys that can be published and withdrawn, and a signer for RFC 9068 tokens.
 */
export interface FakeIssuer {
  issuer: string;
  /** How many times the JWKS was fetched. */
  readonly jwksRequests: number;
  /** Makes the JWKS answer this status (503: the key set is down). */
  jwksStatus: number;
  /** Creates a key; published in the JWKS unless `publish` is false. */
  addKey(alg: TokenAlgorithm, kid: string, publish?: boolean): Promise<void>;
  publish(kid: string): void;
  withdraw(kid: string): void;
  /** Signs `claims` with key `kid`; `header` overrides the protected header. */
  sign(claims: JWTPayload, kid: string, header?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeIssuer(
  algorithms: string[] = ['ES256', 'EdDSA', 'RS256'],
): Promise<FakeIssuer> {
  const keys = new Map<string, SigningKey>();
  const published = new Set<string>();
  let jwksRequests = 0;
  const state = { issuer: '', jwksStatus: 200 };
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      jwksRequests++;
      res.writeHead(state.jwksStatus, { 'content-type': 'application/json' });
      const jwks = [...published].map((kid) => keys.get(kid)?.jwk);
      return void res.end(JSON.stringify({ keys: jwks }));
    }
    if (req.url !== '/.well-known/oauth-authorization-server') {
      res.writeHead(404);
      return void res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        issuer: state.issuer,
        authorization_endpoint: `${state.issuer}/authorize`,
        token_endpoint: `${state.issuer}/token`,
        jwks_uri: `${state.issuer}/.well-known/jwks.json`,
        access_token_signing_alg_values_supported: algorithms,
        dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256'],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get issuer() {
      return state.issuer;
    },
    get jwksRequests() {
      return jwksRequests;
    },
    get jwksStatus() {
      return state.jwksStatus;
    },
    set jwksStatus(status: number) {
      state.jwksStatus = status;
    },
    async addKey(alg, kid, publish = true) {
      const pair = await generateKeyPair(alg, { extractable: true });
      const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
      keys.set(kid, { kid, alg, privateKey: pair.privateKey, jwk });
      if (publish) published.add(kid);
    },
    publish: (kid) => void published.add(kid),
    withdraw: (kid) => void published.delete(kid),
    async sign(claims, kid, header = {}) {
      const key = keys.get(kid);
      if (!key) throw new Error(`no key ${kid}`);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, kid, typ: 'at+jwt', ...header })
        .sign(key.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** RFC 9068 §2.2 claims of a valid token for `audience`; override any. */
export function accessTokenClaims(
  issuer: string,
  audience: string | string[],
  overrides: JWTPayload = {},
): JWTPayload {
  return {
    iss: issuer,
    sub: 'agent_test',
    aud: audience,
    client_id: 'client_test',
    scope: 'openid tools:read',
    jti: crypto.randomUUID(),
    iat: nowSeconds(),
    exp: nowSeconds() + 600,
    ...overrides,
  };
}
