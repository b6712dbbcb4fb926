import { ConfigError } from './config-error.js';
import { type Env, flag, integer, oneOf } from './env.js';

/** Dynamic Client Registration (endpoints/register.ts, docs/mcp.md). */
export interface RegistrationSettings {
  mode: 'open' | 'token' | 'off';
  /** Dynamically registered clients may use client_secret_basic / client_secret_post. */
  allowSecrets: boolean;
  /** Seconds an ownerless client lives without a live grant (housekeeping). */
  unusedClientTtl: number;
}

/** Client ID Metadata Documents and the outbound fetches they need (src/clients/). */
export interface ClientMetadataSettings {
  enabled: boolean;
  cacheMinSeconds: number;
  cacheMaxSeconds: number;
  timeoutMs: number;
  /** Development only: http and loopback addresses may be fetched. */
  allowLoopbackHttp: boolean;
}

export function registrationSettings(env: Env): RegistrationSettings {
  return {
    mode: oneOf(env, 'CLIENT_REGISTRATION', ['open', 'token', 'off']),
    allowSecrets: flag(env, 'CLIENT_REGISTRATION_SECRETS'),
    unusedClientTtl: integer(env, 'CLIENT_REGISTRATION_UNUSED_TTL', 3_600, 31_536_000),
  };
}

export function clientMetadataSettings(env: Env): ClientMetadataSettings {
  const cacheMinSeconds = integer(env, 'CLIENT_METADATA_CACHE_MIN', 0, 86_400);
  const cacheMaxSeconds = integer(env, 'CLIENT_METADATA_CACHE_MAX', 60, 604_800);
  if (cacheMinSeconds > cacheMaxSeconds)
    throw new ConfigError('CLIENT_METADATA_CACHE_MIN must not exceed CLIENT_METADATA_CACHE_MAX.');
  return {
    enabled: oneOf(env, 'CLIENT_ID_METADATA_DOCUMENTS', ['on', 'off']) === 'on',
    cacheMinSeconds,
    cacheMaxSeconds,
    timeoutMs: integer(env, 'CLIENT_METADATA_TIMEOUT_MS', 100, 30_000),
    allowLoopbackHttp: flag(env, 'CLIENT_METADATA_ALLOW_LOOPBACK_HTTP'),
  };
}
