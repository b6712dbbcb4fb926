import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** A client's DPoP key, as an attacker or an honest client would hold it (RFC 9449 §4). */
export interface TestDPoPKey {
  jwk: JWK;
  thumbprint: string;
  /** A proof for one request; `overrides` change or drop (undefined) any claim or header. */
  proof(
    htm: string,
    htu: string,
    options?: {
      accessToken?: string;
      claims?: Record<string, unknown>;
      header?: Record<string, unknown>;
    },
  ): Promise<string>;
}

export const ath = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function dpopKey(alg: 'ES256' | 'EdDSA' | 'RS256' = 'ES256'): Promise<TestDPoPKey> {
  const pair = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(pair.publicKey);
  return {
    jwk,
    thumbprint: await calculateJwkThumbprint(jwk),
    proof(htm, htu, options = {}) {
      const claims = {
        jti: randomBytes(16).toString('base64url'),
        htm,
        htu,
        iat: Math.floor(Date.now() / 1000),
        ...(options.accessToken ? { ath: ath(options.accessToken) } : {}),
        ...options.claims,
      };
      return new SignJWT(claims)
        .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk, ...options.header })
        .sign(pair.privateKey);
    },
  };
}
