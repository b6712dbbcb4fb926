import { base64url, calculateJwkThumbprint, exportJWK, type JWK, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { AuthAgentError } from '../shared/errors.js';

/** What a DPoP proof is made for (RFC 9449 §4.2). */
export interface DPoPProofRequest {
  /** The HTTP method of the request (`htm`). */
  method: string;
  /** The request URL; the query and fragment are left out of `htu`. */
  url: string | URL;
  /** The access token sent with a resource request; its hash becomes `ath` (§4.2). */
  accessToken?: string;
  /** The server's latest `DPoP-Nonce` (§8, §9), when it sent one. */
  nonce?: string;
}

/** Key algorithms a {@link DPoPKey} can generate. */
export type DPoPAlgorithm = 'ES256' | 'ES384' | 'Ed25519' | 'PS256' | 'RS256';

const keyPairs = new WeakMap<DPoPKey, CryptoKeyPair>();

/** @internal The key pair of a {@link DPoPKey}, for the fetch wrapper. */
export function keyPairOf(key: DPoPKey): CryptoKeyPair {
  const pair = keyPairs.get(key);
  if (!pair) throw new AuthAgentError('invalid_config', 'Create the key with DPoPKey.generate().');
  return pair;
}

// The JWS algorithm of a WebCrypto key, named as oauth4webapi names it, so proofs made here
// and by oauth4webapi's DPoP handle agree.
function algorithmOf(key: CryptoKey): string {
  const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } };
  const bits = algorithm.hash?.name.replace('SHA-', '');
  switch (algorithm.name) {
    case 'ECDSA':
      return (
        { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[algorithm.namedCurve ?? ''] ?? ''
      );
    case 'Ed25519':
      return 'Ed25519';
    case 'RSA-PSS':
      return `PS${bits}`;
    case 'RSASSA-PKCS1-v1_5':
      return `RS${bits}`;
    default:
      return '';
  }
}

/**
 * An agent's DPoP key (RFC 9449): it proves that the agent holding a DPoP-bound access
 * token is the one it was issued to. The private key is a non-extractable WebCrypto key
 * in a private field: it can sign, but it cannot be exported, serialised or logged.
 *
 * @example
 * ```ts
 * const key = await DPoPKey.generate();
 * const proof = await key.proof({ method: 'POST', url: tokenEndpoint });
 * // send it as the DPoP header of the token request; the token comes back bound to key.thumbprint
 * ```
 */
export class DPoPKey {
  /** The JWS algorithm of the proofs. */
  readonly algorithm: string;
  /** RFC 7638 SHA-256 thumbprint of the public key: the `jkt` a bound token carries. */
  readonly thumbprint: string;
  readonly #publicJwk: JWK;
  readonly #privateKey: CryptoKey;

  private constructor(pair: CryptoKeyPair, algorithm: string, jwk: JWK, thumbprint: string) {
    this.algorithm = algorithm;
    this.thumbprint = thumbprint;
    this.#publicJwk = jwk;
    this.#privateKey = pair.privateKey;
    keyPairs.set(this, pair);
  }

  /**
   * Generates a key pair whose private half is not extractable.
   *
   * @param algorithm - default ES256, which every DPoP server accepts in practice
   */
  static async generate(algorithm: DPoPAlgorithm = 'ES256'): Promise<DPoPKey> {
    return DPoPKey.fromKeyPair(await oauth.generateKeyPair(algorithm, { extractable: false }));
  }

  /**
   * Uses an existing key pair (e.g. one kept in a key store between runs). The public key
   * must be extractable, as WebCrypto makes it; keep the private key non-extractable.
   *
   * @throws {@link AuthAgentError} `invalid_config` for an unsupported or mismatched key
   */
  static async fromKeyPair(pair: CryptoKeyPair): Promise<DPoPKey> {
    const algorithm = algorithmOf(pair.publicKey);
    if (
      !algorithm ||
      pair.privateKey?.type !== 'private' ||
      pair.publicKey.type !== 'public' ||
      algorithm !== algorithmOf(pair.privateKey)
    )
      throw new AuthAgentError(
        'invalid_config',
        'A DPoP key must be an ECDSA, Ed25519 or RSA signing key pair.',
      );
    const { kty, crv, x, y, n, e } = await exportJWK(pair.publicKey);
    const jwk = Object.fromEntries(
      Object.entries({ kty, crv, x, y, n, e }).filter(([, value]) => value !== undefined),
    ) as JWK;
    return new DPoPKey(pair, algorithm, jwk, await calculateJwkThumbprint(jwk));
  }

  /** The public key as a JWK (the `jwk` header of every proof). */
  get publicJwk(): JWK {
    return { ...this.#publicJwk };
  }

  /**
   * Creates a DPoP proof JWT for one request: `typ: dpop+jwt`, the public `jwk`, and the
   * claims `jti` (128+ random bits), `htm`, `htu`, `iat`, plus `ath` and `nonce` when given.
   *
   * @param request - the method and URL, and for resource requests the access token
   * @returns the value of the `DPoP` header
   */
  async proof(request: DPoPProofRequest): Promise<string> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new AuthAgentError('invalid_request', 'A DPoP proof needs an absolute URL.');
    }
    if (typeof request.method !== 'string' || !/^[A-Za-z]+$/.test(request.method))
      throw new AuthAgentError('invalid_request', 'A DPoP proof needs an HTTP method.');
    const claims: Record<string, string> = {
      jti: oauth.generateRandomState(),
      htm: request.method.toUpperCase(),
      // §4.2: htu is the target URI without query and fragment.
      htu: `${url.origin}${url.pathname}`,
    };
    if (request.nonce !== undefined) claims.nonce = request.nonce;
    if (request.accessToken !== undefined) claims.ath = await sha256Base64Url(request.accessToken);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.algorithm, typ: 'dpop+jwt', jwk: this.#publicJwk })
      .setIssuedAt()
      .sign(this.#privateKey);
  }

  /** Serialises without key material: only the algorithm and the thumbprint. */
  toJSON(): { algorithm: string; thumbprint: string } {
    return { algorithm: this.algorithm, thumbprint: this.thumbprint };
  }
}

async function sha256Base64Url(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return base64url.encode(new Uint8Array(digest));
}
