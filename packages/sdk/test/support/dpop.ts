import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  SignJWT,
} from 'jose';

/** A DPoP key whose proofs a test can shape freely (an attacker's or a buggy client's). */
export interface RawDPoPKey {
  privateKey: CryptoKey;
  jwk: JWK;
  thumbprint: string;
}

export async function rawDPoPKey(): Promise<RawDPoPKey> {
  const pair = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(pair.publicKey);
  return { privateKey: pair.privateKey, jwk, thumbprint: await calculateJwkThumbprint(jwk) };
}

export async function accessTokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return base64url.encode(new Uint8Array(digest));
}

/** Signs a proof with `key`; claims and header fields can be overridden or removed. */
export async function craftProof(
  key: RawDPoPKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const body = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  const protectedHeader = { alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk, ...header };
  return new SignJWT(body)
    .setProtectedHeader(protectedHeader as { alg: string })
    .sign(key.privateKey);
}
