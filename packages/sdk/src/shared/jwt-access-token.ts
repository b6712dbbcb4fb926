import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oauth from 'oauth4webapi';
import { asymmetricAlgorithms } from './algorithms.js';
import type { HttpOptions } from './discovery.js';
import { AuthAgentError } from './errors.js';
import { jwksFetch } from './jwks-fetch.js';
import type { DPoPReplayStore } from './replay-store.js';
import { describeTokenFailure, invalidDPoPProof, invalidToken } from './token-failure.js';
import { toVerifiedAccessToken, type VerifiedAccessToken } from './verified-token.js';

/** How a {@link JwtAccessTokenVerifier} judges tokens. */
export interface JwtVerifierOptions {
  /** The expected `aud`: a website's client_id or an API's resource identifier. */
  audience: string;
  /** Algorithms accepted for DPoP proofs; empty refuses DPoP. */
  dpopAlgorithms: readonly string[];
  /** Refuse tokens that are not DPoP-bound. */
  requireDPoP: boolean;
  /** Where proof `jti`s are remembered. */
  replayStore: DPoPReplayStore | undefined;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. */
  clockToleranceSeconds: number;
  /** Transport of the JWKS request. */
  http: HttpOptions;
}

/** An access token as it arrived, with what the DPoP check needs of the request. */
export interface PresentedToken {
  /** The Authorization scheme, lower case. */
  scheme: 'bearer' | 'dpop';
  token: string;
  /** The DPoP header, or null. */
  proof: string | null;
  /** The request method and its URL as the client addressed it. */
  method: string;
  url: string;
}

// oauth4webapi refuses proofs whose iat is more than 300 s from now; a jti must be
// remembered that long.
const PROOF_WINDOW_SECONDS = 300;

function decoded<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}

/**
 * Whether a token claims to be DPoP-bound (`cnf.jkt`), read without verifying it: only
 * ever used to refuse, or to pick the challenge scheme.
 */
export function claimsDPoPBinding(token: string): boolean {
  const payload = decoded(() => decodeJwt(token));
  return typeof (payload?.cnf as { jkt?: unknown } | undefined)?.jkt === 'string';
}

/**
 * Verifies RFC 9068 JWT access tokens offline against the issuer's JWKS, and their DPoP
 * proofs (RFC 9449 §4.3, §7), with oauth4webapi's `validateJwtAccessToken`. It adds what
 * that function leaves to the caller: the algorithm allow-lists, proof `jti` replay, a
 * future `iat`, and descriptions of each refusal. The JWKS is cached by oauth4webapi per
 * metadata object: fetched once, fetched again for an unknown `kid` (at most once a
 * minute) and when older than five minutes, so rotated keys need no restart.
 */
export class JwtAccessTokenVerifier {
  readonly #as: oauth.AuthorizationServer;
  readonly #options: JwtVerifierOptions;
  readonly #tokenAlgorithms: string[];
  readonly #validateOptions: oauth.ValidateJWTAccessTokenOptions;

  /**
   * @param as - the issuer's RFC 8414 metadata
   * @param options - audience, DPoP and transport settings
   * @throws {@link AuthAgentError} `invalid_config` when the issuer publishes no asymmetric
   *   access-token algorithm or no JWKS
   */
  constructor(as: oauth.AuthorizationServer, options: JwtVerifierOptions) {
    this.#tokenAlgorithms = asymmetricAlgorithms(as.access_token_signing_alg_values_supported);
    if (this.#tokenAlgorithms.length === 0 || !as.jwks_uri)
      throw new AuthAgentError(
        'invalid_config',
        `${as.issuer} publishes no asymmetric access-token signing algorithm and JWKS, so its tokens cannot be verified offline.`,
      );
    this.#as = as;
    this.#options = options;
    this.#validateOptions = {
      ...options.http,
      [oauth.customFetch]: jwksFetch(options.http[oauth.customFetch]),
      [oauth.clockTolerance]: options.clockToleranceSeconds,
      // oauth4webapi applies one list to the token and the proof; each is checked
      // against its own list before (#checkHeaders).
      signingAlgorithms: [...new Set([...this.#tokenAlgorithms, ...options.dpopAlgorithms])],
      requireDPoP: options.requireDPoP,
    };
  }

  /**
   * @param presented - the token, its scheme, the DPoP proof and the request it came with
   * @throws {@link AuthAgentError} `invalid_token`, `invalid_dpop_proof`, `invalid_request`
   *   or `network_error` (the JWKS could not be fetched)
   */
  async verify(presented: PresentedToken): Promise<VerifiedAccessToken> {
    this.#checkHeaders(presented);
    let request: Request;
    try {
      const headers = new Headers({ authorization: `${presented.scheme} ${presented.token}` });
      if (presented.proof !== null) headers.set('dpop', presented.proof);
      request = new Request(presented.url, { method: presented.method, headers });
    } catch {
      throw new AuthAgentError('invalid_request', 'The request cannot carry an access token.');
    }
    let claims: Record<string, unknown>;
    try {
      claims = (await oauth.validateJwtAccessToken(
        this.#as,
        request,
        this.#options.audience,
        this.#validateOptions,
      )) as unknown as Record<string, unknown>;
    } catch (error) {
      throw describeTokenFailure(error, presented.proof !== null);
    }
    const tolerance = this.#options.clockToleranceSeconds;
    if ((claims.iat as number) > Date.now() / 1000 + tolerance)
      throw invalidToken('The access token is issued in the future.');
    const verified = toVerifiedAccessToken(claims, 'jwks', this.#options.audience);
    if (presented.proof !== null) await this.#refuseReplay(presented.proof, verified);
    return verified;
  }

  /** Refusals decided from the headers alone, before any signature is checked. */
  #checkHeaders({ scheme, token, proof }: PresentedToken): void {
    const header = decoded(() => decodeProtectedHeader(token));
    if (!header || !this.#tokenAlgorithms.includes(String(header.alg)))
      throw invalidToken('The access token is not a JWT signed with an algorithm of the issuer.');
    const bound = claimsDPoPBinding(token);
    // RFC 9449 §7.1: a bound token must come with the DPoP scheme, so a stolen one cannot
    // be downgraded to a bearer token; §7.2: an unbound token is not sent as DPoP.
    if (bound && scheme !== 'dpop')
      throw invalidToken('This access token is DPoP-bound: send it with the DPoP scheme.');
    if (!bound && scheme === 'dpop')
      throw invalidToken('This access token is not DPoP-bound: send it with the Bearer scheme.');
    if (!bound && this.#options.requireDPoP)
      throw invalidToken('This resource accepts DPoP-bound access tokens only.');
    if (!bound && proof !== null)
      throw invalidToken('A DPoP proof came with an access token that is not DPoP-bound.');
    if (bound && proof === null)
      throw invalidDPoPProof('A DPoP-bound access token needs a DPoP proof header.');
    if (proof !== null) this.#checkProofHeader(proof);
  }

  #checkProofHeader(proof: string): void {
    const header = decoded(() => decodeProtectedHeader(proof));
    if (header?.typ !== 'dpop+jwt' || !this.#options.dpopAlgorithms.includes(String(header.alg)))
      throw invalidDPoPProof(
        `The DPoP proof must be a dpop+jwt signed with ${this.#options.dpopAlgorithms.join(', ')}.`,
      );
    // RFC 9449 §4.3 check 6 (oauth4webapi refuses it too, without saying why).
    if (typeof header.jwk !== 'object' || header.jwk === null || 'd' in header.jwk)
      throw invalidDPoPProof('The jwk header of the DPoP proof must be a public key.');
    const jti = decoded(() => decodeJwt(proof))?.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)
      throw invalidDPoPProof('The DPoP proof needs a jti of at most 256 characters.');
  }

  /** RFC 9449 §11.1: each proof is accepted once. Runs after the signature check. */
  async #refuseReplay(proof: string, verified: VerifiedAccessToken): Promise<void> {
    const store = this.#options.replayStore;
    if (!store) return;
    const { jti, iat } = decodeJwt(proof);
    const expiresAt = Number(iat) + PROOF_WINDOW_SECONDS + 1;
    const fresh = await store.markUsed(`${verified.dpopKeyThumbprint}:${jti}`, expiresAt);
    if (!fresh) throw invalidDPoPProof('The DPoP proof was already used.');
  }
}
