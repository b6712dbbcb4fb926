import { hkdfSync } from 'node:crypto';
import { errors, type JWTHeaderParameters, jwtVerify } from 'jose';
import { SIGNING_ALGS } from '../config/load.js';
import { sha256 } from '../crypto/digest.js';
import { randomToken } from '../crypto/random.js';
import { signJwt } from './jws.js';
import type { SigningKey, SigningKeyRing } from './key-ring.js';

export interface AccessTokenClaims {
  /** The agent; for a client acting for itself (client_credentials), the client. */
  sub: string;
  client_id: string;
  scope: string;
  /** The agent's model; absent when no agent is involved. */
  model?: string;
  /** The grant (refresh-token family) the token came from; lets revocation reach it. */
  gid: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  /** The client; or the RFC 8707 resource(s) the token is for. */
  aud: string | string[];
  /** RFC 9449 §6.1: the thumbprint of the DPoP key the token is bound to. */
  cnf?: { jkt: string };
}

export interface IssuedAccessToken {
  token: string;
  claims: AccessTokenClaims;
}

export type AccessTokenCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: 'expired' | 'invalid' };

/**
 * The audience of an access token (RFC 9068 §3): the resource it is for (RFC 8707 §2.2), or
 * every resource of its grant when the request named none of them; without resources, the
 * client it was issued to, as before resource indicators. The one place `aud` is decided.
 */
export function accessTokenAudience(grant: {
  clientId: string;
  audience?: readonly string[] | undefined;
}): string | string[] {
  const resources = grant.audience ?? [];
  if (resources.length === 0) return grant.clientId;
  return resources.length === 1 ? (resources[0] as string) : [...resources];
}

/** An access token's audience as a list (RFC 7519 §4.1.3 allows a string or an array). */
export function audienceList(aud: string | string[]): string[] {
  return typeof aud === 'string' ? [aud] : aud;
}

/**
 * RFC 9068 access tokens: `typ: at+jwt`, with the claims of §2.2, signed with the key ring's
 * current key (ES256 unless configured otherwise, tokens/key-ring.ts), which also finds
 * verification keys by `kid`.
 */
const MAX_REMEMBERED_TOKENS = 10_000;

interface VerifiedToken {
  kid: string;
  key: CryptoKey;
  claims: AccessTokenClaims;
}

export class AccessTokens {
  /** Tokens whose signature checked out, by SHA-256 of the whole token (never the token). */
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(
    private readonly keys: SigningKeyRing,
    private readonly issuer: string,
    private readonly ttlSeconds: number,
  ) {}

  /** Without an agent, the token is the client's own (RFC 6749 §4.4, RFC 9068 §2.2: sub). */
  async issue(input: {
    agentId?: string;
    clientId: string;
    scope: string;
    model?: string;
    grantId: string;
    /** RFC 8707 resources the token is for (accessTokenAudience). */
    audience?: readonly string[] | undefined;
    /** The thumbprint of the DPoP key to bind the token to (RFC 9449 §6). */
    dpopJkt?: string | undefined;
  }): Promise<IssuedAccessToken> {
    const iat = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.issuer,
      sub: input.agentId ?? input.clientId,
      aud: accessTokenAudience(input),
      client_id: input.clientId,
      scope: input.scope,
      ...(input.model === undefined ? {} : { model: input.model }),
      gid: input.grantId,
      jti: randomToken(16),
      iat,
      exp: iat + this.ttlSeconds,
      ...(input.dpopJkt ? { cnf: { jkt: input.dpopJkt } } : {}),
    };
    const { kid, alg, key } = await this.keys.signingKey();
    return { token: signJwt({ alg, typ: 'at+jwt', kid }, claims, key), claims };
  }

  /**
   * Verifies signature, `typ`, `iss` and `exp` (RFC 9068 §4). Returns undefined for any
   * token that fails, so callers answer uniformly without explaining why.
   */
  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    const checked = await this.check(token);
    return checked.ok ? checked.claims : undefined;
  }

  /**
   * As `verify`, but tells a genuine expired token (signature good) from anything else.
   * A token that verified before is answered from `verified` while its key is still in the
   * ring and it has not expired: resource servers introspect the same token on every call,
   * and each jose verification is a WebCrypto job on the thread pool.
   */
  async check(token: string): Promise<AccessTokenCheck> {
    if (token.length > 4096 || token.split('.').length !== 3)
      return { ok: false, reason: 'invalid' };
    const digest = sha256(token);
    const known = this.verified.get(digest);
    if (
      known &&
      known.claims.exp * 1000 > Date.now() &&
      (await this.keys.verificationKey(known.kid))?.key === known.key
    )
      return { ok: true, claims: known.claims };
    let used: SigningKey | undefined;
    // A key verifies only tokens of its own algorithm, whatever the header claims.
    const keyFor = async (header: JWTHeaderParameters) => {
      const found = header.kid ? await this.keys.verificationKey(header.kid) : undefined;
      if (!found || found.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
      used = found;
      return found.key;
    };
    try {
      const { payload } = await jwtVerify(token, keyFor, {
        algorithms: [...SIGNING_ALGS],
        issuer: this.issuer,
        typ: 'at+jwt',
        requiredClaims: ['sub', 'aud', 'client_id', 'scope', 'jti', 'gid', 'exp', 'iat'],
      });
      const claims = payload as unknown as AccessTokenClaims;
      if (used) this.remember(digest, { kid: used.kid, key: used.key, claims });
      return { ok: true, claims };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      if (error instanceof errors.JOSEError || error instanceof TypeError)
        return { ok: false, reason: 'invalid' };
      throw error;
    }
  }

  private remember(digest: string, token: VerifiedToken): void {
    if (this.verified.size >= MAX_REMEMBERED_TOKENS) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(digest, token);
  }
}

/** A key for deriving authorization codes from request ids (see endpoints/agent-authenticate.ts). */
export function deriveCodeKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'auth-agent', 'authorization-code-v1', 32));
}
