import { hkdfSync } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { sha256 } from '../crypto/digest.js';
import { randomToken } from '../crypto/random.js';

export interface AccessTokenClaims {
  sub: string;
  client_id: string;
  scope: string;
  model: string;
  /** The grant (refresh-token family) the token came from; lets revocation reach it. */
  gid: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
}

export interface IssuedAccessToken {
  token: string;
  claims: AccessTokenClaims;
}

/** RFC 9068 access tokens: `typ: at+jwt`, HS256, with the claims of §2.2. */
export class AccessTokens {
  /**
   * Imported once: handed raw bytes, jose imports a CryptoKey on every sign and verify,
   * which the benchmark's profile showed as a tenth of the server's CPU on introspection.
   */
  private readonly key: Promise<CryptoKey>;
  readonly keyId: string;

  constructor(
    secret: string,
    private readonly issuer: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    this.keyId = sha256(`kid:${secret}`).slice(0, 16);
  }

  async issue(input: {
    agentId: string;
    clientId: string;
    scope: string;
    model: string;
    grantId: string;
  }): Promise<IssuedAccessToken> {
    const iat = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.issuer,
      sub: input.agentId,
      aud: input.clientId,
      client_id: input.clientId,
      scope: input.scope,
      model: input.model,
      gid: input.grantId,
      jti: randomToken(16),
      iat,
      exp: iat + this.ttlSeconds,
    };
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: this.keyId })
      .sign(await this.key);
    return { token, claims };
  }

  /**
   * Verifies signature, `typ`, `iss` and `exp` (RFC 9068 §4). Returns undefined for any
   * token that fails, so callers answer uniformly without explaining why.
   */
  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    if (token.length > 4096 || token.split('.').length !== 3) return undefined;
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: ['HS256'],
        issuer: this.issuer,
        typ: 'at+jwt',
        requiredClaims: ['sub', 'aud', 'client_id', 'scope', 'jti', 'gid', 'exp', 'iat'],
      });
      return payload as unknown as AccessTokenClaims;
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return undefined;
      throw error;
    }
  }
}

/** A key for deriving authorization codes from request ids (see endpoints/agent-authenticate.ts). */
export function deriveCodeKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'auth-agent', 'authorization-code-v1', 32));
}
