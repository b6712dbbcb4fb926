import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { Harness } from './harness.js';
import { ISSUER } from './harness.js';

export interface ClientKey {
  kid: string;
  publicJwk: JWK;
  privateKey: CryptoKey;
}

/** An ES256 key pair for a private_key_jwt client; the public half as a JWK with a kid. */
export async function clientKey(kid = randomBytes(6).toString('hex')): Promise<ClientKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } };
}

/** RFC 7523 §3 client assertion, with overrides for the hostile cases. */
export function assertion(
  key: ClientKey,
  clientId: string,
  claims: {
    aud?: string | string[];
    exp?: string | number;
    jti?: string | null;
    iss?: string;
  } = {},
): Promise<string> {
  const jwt = new SignJWT(
    claims.jti === null ? {} : { jti: claims.jti ?? randomBytes(16).toString('base64url') },
  )
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(claims.iss ?? clientId)
    .setSubject(clientId)
    .setAudience(claims.aud ?? `${ISSUER}/token`)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? '2m');
  return jwt.sign(key.privateKey);
}

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** POST a form to `path` authenticating with a client assertion. */
export function withAssertion(
  h: Pick<Harness, 'request'>,
  path: string,
  clientAssertion: string,
  params: Record<string, string>,
): Promise<Response> {
  return h.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      ...params,
      client_assertion_type: JWT_BEARER,
      client_assertion: clientAssertion,
    }).toString(),
  });
}

/** Registers a client at POST /register (RFC 7591) and returns the response body. */
export async function register(
  h: Pick<Harness, 'request'>,
  metadata: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await h.request('/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
