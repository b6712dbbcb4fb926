import { createHash } from 'node:crypto';
import type { SigningAlg } from '../config/load.js';
import { signJwt } from './jws.js';
import type { SigningKeyRing } from './key-ring.js';

/** The person an agent acts for, as the ID token and /userinfo describe them. */
export interface AgentUser {
  email: string;
  name: string | null;
  emailVerified: boolean;
}

export interface IdTokenInput {
  agentId: string;
  clientId: string;
  scope: string;
  model: string;
  user: AgentUser;
  /** When the agent signed in (OpenID Connect Core §2 auth_time). */
  authTime: Date;
  /** The nonce of the authentication request; never on a refresh (§12.2). */
  nonce: string | null;
  accessToken: string;
}

/**
 * OpenID Connect Core §3.1.3.6 at_hash: the left half of the hash of the access token, with
 * the hash of the ID token's algorithm (SHA-512 for Ed25519, as verifiers compute it).
 */
export function accessTokenHash(accessToken: string, alg: SigningAlg): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken, 'ascii')
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** The claims the granted scopes allow (§5.4), the same data /userinfo returns. */
export function scopedUserClaims(scope: string, user: AgentUser): Record<string, unknown> {
  const scopes = scope.split(' ');
  return {
    ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
    ...(scopes.includes('profile') && user.name ? { name: user.name } : {}),
  };
}

/**
 * ID tokens (OpenID Connect Core §2, §3.1.3.3) for grants with the `openid` scope, signed
 * with the same key as access tokens, `typ: JWT`, for as long as an access token lives.
 */
export class IdTokens {
  constructor(
    private readonly keys: SigningKeyRing,
    private readonly issuer: string,
    private readonly ttlSeconds: number,
  ) {}

  async issue(input: IdTokenInput): Promise<string> {
    const { kid, alg, key } = await this.keys.signingKey();
    const iat = Math.floor(Date.now() / 1000);
    const claims = {
      iss: this.issuer,
      sub: input.agentId,
      aud: input.clientId,
      azp: input.clientId,
      iat,
      exp: iat + this.ttlSeconds,
      auth_time: Math.floor(input.authTime.getTime() / 1000),
      ...(input.nonce ? { nonce: input.nonce } : {}),
      at_hash: accessTokenHash(input.accessToken, alg),
      model: input.model,
      ...scopedUserClaims(input.scope, input.user),
    };
    return signJwt({ alg, typ: 'JWT', kid }, claims, key);
  }
}
