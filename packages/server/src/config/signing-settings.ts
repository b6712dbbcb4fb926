import { ConfigError } from './config-error.js';
import { type Env, integer, oneOf, read } from './env.js';

export const SIGNING_ALGS = ['ES256', 'EdDSA', 'RS256', 'HS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/** How access and ID tokens are signed, and with which secrets (docs/security.md). */
export interface SigningSettings {
  /** HS256 is the symmetric opt-in (no OpenID Connect). */
  readonly signingAlg: SigningAlg;
  /** Undefined in development until tokens/server-secrets.ts generates one. */
  readonly keyEncryptionKey: string | undefined;
  /** The HS256 key; only read with signingAlg HS256 (development generates one). */
  readonly jwtSecret: string | undefined;
  /** Cache-Control max-age of the JWKS, in seconds. */
  readonly jwksMaxAge: number;
  /** Seconds a rotated key is published before it signs (publish-then-activate). */
  readonly signingKeyActivationDelay: number;
}

export function signingSettings(env: Env): SigningSettings {
  const jwksMaxAge = integer(env, 'JWKS_MAX_AGE', 0, 86_400);
  // Publish-then-activate only works if a rotated key outlives every cached copy of the JWKS.
  const delay = integer(env, 'SIGNING_KEY_ACTIVATION_DELAY', 0, 604_800);
  if (delay < jwksMaxAge)
    throw new ConfigError(
      `SIGNING_KEY_ACTIVATION_DELAY (${delay}) must be at least JWKS_MAX_AGE (${jwksMaxAge}): a rotated key must be published for a whole JWKS cache lifetime before it signs.`,
    );
  return {
    signingAlg: oneOf(env, 'SIGNING_ALG', SIGNING_ALGS),
    keyEncryptionKey: read(env, 'KEY_ENCRYPTION_KEY') || undefined,
    jwtSecret: read(env, 'JWT_SECRET') || undefined,
    jwksMaxAge,
    signingKeyActivationDelay: delay,
  };
}
