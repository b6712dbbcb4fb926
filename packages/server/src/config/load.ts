import {
  type ClientMetadataSettings,
  clientMetadataSettings,
  type RegistrationSettings,
  registrationSettings,
} from './client-settings.js';
import { ConfigError } from './config-error.js';
import { checkDatabaseUrl } from './database-url.js';
import { type Env, flag, integer, read } from './env.js';
import { developmentSecretProblem, productionProblems } from './production.js';
import { parseRateLimits, type RateLimits } from './rate-limits.js';
import { type RuntimeSettings, runtimeSettings } from './runtime-settings.js';
import type { SettingName } from './settings.js';
import {
  SIGNING_ALGS,
  type SigningAlg,
  type SigningSettings,
  signingSettings,
} from './signing-settings.js';

export { ConfigError, SIGNING_ALGS, type SigningAlg };

/** How lockout counts (migrations/functions/03-lockout.sql, `p_policy`). */
export interface LockoutPolicy {
  maxFailures: number;
  windowSeconds: number;
  baseSeconds: number;
  maxSeconds: number;
  identityMaxFailures: number;
  trustedSourceSeconds: number;
}

export interface Config extends SigningSettings, RuntimeSettings {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly issuer: string;
  readonly dataDir: string;
  /** AUTH_AGENT_DATA_DIR was unset, so dataDir is the default ./data (the CLI says so). */
  readonly dataDirIsDefault: boolean;
  readonly databaseUrl: string | undefined;
  readonly databaseMigrationUrl: string | undefined;
  readonly databasePoolSize: number;
  /** Server processes behind one port (node:cluster); PostgreSQL only. */
  readonly workers: number;
  readonly pbkdf2Iterations: number;
  /** Bounds on secret checks before they reach the PBKDF2 queue (auth/derivation-budget.ts). */
  readonly derivationBudget: { perSource: number; decoys: number };
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly authRequestTtl: number;
  readonly authCodeTtl: number;
  readonly maxFailedAttemptsPerRequest: number;
  readonly logLevel: string;
  readonly logSync: boolean;
  readonly trustProxy: boolean;
  readonly maxBodyBytes: number;
  readonly consoleSignup: 'open' | 'closed';
  readonly consoleSessionIdleTimeout: number;
  readonly consoleSessionLifetime: number;
  /** Seconds a replaced client secret keeps working after a console rotation. */
  readonly clientSecretOverlap: number;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** Undefined when CORS_ORIGINS is unset; empty when set to `none`. */
  readonly corsOrigins: readonly string[] | undefined;
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  readonly rateLimits: RateLimits;
  readonly rateLimitWindow: number;
  readonly lockout: LockoutPolicy;
  readonly metricsToken: string | undefined;
  readonly alerts: {
    webhookUrl: string | undefined;
    failedAuthPerMinute: number;
    invalidRedirectPerMinute: number;
    rlsViolationPerMinute: number;
    webhookRetries: number;
  };
  readonly housekeepingInterval: number;
  readonly registration: RegistrationSettings;
  readonly clientMetadata: ClientMetadataSettings;
}

function normaliseIssuer(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`ISSUER must be an absolute URL (got "${raw}").`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('ISSUER must use https (or http for local development).');
  }
  if (url.search || url.hash) throw new ConfigError('ISSUER must not have a query or fragment.');
  return url.href.replace(/\/$/, '');
}

function signupMode(raw: string): 'open' | 'closed' {
  if (raw === 'open' || raw === 'closed') return raw;
  throw new ConfigError(`CONSOLE_SIGNUP must be "open" or "closed" (got "${raw}").`);
}

function corsOrigins(raw: string): string[] | undefined {
  if (raw === '') return undefined;
  if (raw.trim().toLowerCase() === 'none') return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    if (origin === '*') throw new ConfigError('CORS_ORIGINS must list origins; "*" is refused.');
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {}
    if (!url || url.origin !== origin || !/^https?:$/.test(url.protocol)) {
      throw new ConfigError(
        `CORS_ORIGINS entry "${origin}" is not an origin like https://app.example.com (no path or trailing slash).`,
      );
    }
    return origin;
  });
}

function optionalUrl(env: Env, name: SettingName, protocols: string[]): string | undefined {
  const raw = read(env, name);
  if (raw === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {}
  if (!url || !protocols.includes(url.protocol))
    throw new ConfigError(`${name} must be an absolute ${protocols.join(' or ')} URL.`);
  return raw;
}

function rateLimits(env: Env): RateLimits {
  try {
    return parseRateLimits(read(env, 'RATE_LIMITS'));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

export function loadConfig(env: Env = process.env): Config {
  const production = read(env, 'NODE_ENV') === 'production';
  const port = integer(env, 'PORT', 0, 65535);
  const issuer = normaliseIssuer(read(env, 'ISSUER') || `http://localhost:${port}`);
  const accessTokenTtl = integer(env, 'ACCESS_TOKEN_TTL', 60, 86_400);
  const config: Config = {
    production,
    port,
    host: read(env, 'HOST'),
    issuer,
    dataDir: read(env, 'AUTH_AGENT_DATA_DIR'),
    dataDirIsDefault: !env.AUTH_AGENT_DATA_DIR,
    ...databaseUrls(env),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 1, 500),
    workers: integer(env, 'WORKERS', 1, 64),
    ...signingSettings(env),
    pbkdf2Iterations: integer(env, 'PBKDF2_ITERATIONS', 100_000, 10_000_000),
    derivationBudget: {
      perSource: integer(env, 'PBKDF2_PER_SOURCE', 1, 1_000),
      decoys: integer(env, 'PBKDF2_DECOYS', 1, 1_000),
    },
    accessTokenTtl,
    refreshTokenTtl: integer(env, 'REFRESH_TOKEN_TTL', 300, 31_536_000),
    authRequestTtl: integer(env, 'AUTH_REQUEST_TTL', 30, 3_600),
    // RFC 6749 §4.1.2 recommends a maximum of 10 minutes.
    authCodeTtl: integer(env, 'AUTH_CODE_TTL', 60, 600),
    maxFailedAttemptsPerRequest: integer(env, 'MAX_FAILED_ATTEMPTS_PER_REQUEST', 1, 100),
    logLevel: read(env, 'LOG_LEVEL'),
    logSync: flag(env, 'LOG_SYNC'),
    trustProxy: flag(env, 'TRUST_PROXY'),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1_024, 10_485_760),
    consoleSignup: signupMode(read(env, 'CONSOLE_SIGNUP')),
    consoleSessionIdleTimeout: integer(env, 'CONSOLE_SESSION_IDLE_TIMEOUT', 60, 86_400),
    consoleSessionLifetime: integer(env, 'CONSOLE_SESSION_LIFETIME', 300, 2_592_000),
    clientSecretOverlap: integer(env, 'CLIENT_SECRET_OVERLAP', 0, 2_592_000),
    smtpUrl: read(env, 'SMTP_URL') || undefined,
    mailFrom: read(env, 'MAIL_FROM') || `Auth Agent <no-reply@${new URL(issuer).hostname}>`,
    corsOrigins: corsOrigins(read(env, 'CORS_ORIGINS')),
    redisUrl: optionalUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: read(env, 'REDIS_KEY_PREFIX'),
    rateLimits: rateLimits(env),
    rateLimitWindow: integer(env, 'RATE_LIMIT_WINDOW', 1, 3_600),
    lockout: {
      maxFailures: integer(env, 'LOCKOUT_MAX_FAILURES', 1, 1_000),
      windowSeconds: integer(env, 'LOCKOUT_WINDOW', 1, 86_400),
      baseSeconds: integer(env, 'LOCKOUT_DURATION', 1, 86_400),
      maxSeconds: integer(env, 'LOCKOUT_MAX_DURATION', 1, 2_592_000),
      identityMaxFailures: integer(env, 'LOCKOUT_IDENTITY_MAX_FAILURES', 1, 1_000_000),
      trustedSourceSeconds: integer(env, 'LOCKOUT_TRUSTED_SOURCE_TTL', 0, 31_536_000),
    },
    metricsToken: read(env, 'METRICS_TOKEN') || undefined,
    alerts: {
      webhookUrl: optionalUrl(env, 'ALERT_WEBHOOK_URL', ['https:', 'http:']),
      failedAuthPerMinute: integer(env, 'ALERT_FAILED_AUTH_PER_MINUTE', 0, 1_000_000),
      invalidRedirectPerMinute: integer(env, 'ALERT_INVALID_REDIRECT_PER_MINUTE', 0, 1_000_000),
      rlsViolationPerMinute: integer(env, 'ALERT_RLS_VIOLATION_PER_MINUTE', 0, 1_000_000),
      webhookRetries: integer(env, 'ALERT_WEBHOOK_RETRIES', 0, 20),
    },
    housekeepingInterval: integer(env, 'HOUSEKEEPING_INTERVAL', 0, 604_800),
    registration: registrationSettings(env),
    clientMetadata: clientMetadataSettings(env),
    ...runtimeSettings(env, accessTokenTtl),
  };
  const problems = productionProblems(config);
  if (problems.length > 0)
    throw new ConfigError(
      `Refusing to start with an unsafe production configuration:\n - ${problems.join('\n - ')}`,
    );
  // Outside production a weak secret is refused on its own (production lists it with the
  // other problems above); an unset one is generated (tokens/server-secrets.ts).
  const weakSecret = developmentSecretProblem(config);
  if (weakSecret) throw new ConfigError(weakSecret);
  return config;
}

function databaseUrls(env: Env) {
  const url = read(env, 'DATABASE_URL');
  const migrationUrl = read(env, 'DATABASE_MIGRATION_URL');
  if (migrationUrl && !url)
    throw new ConfigError(
      'DATABASE_MIGRATION_URL is set but DATABASE_URL is not; set DATABASE_URL to the PostgreSQL server as well, or unset both to use the embedded database.',
    );
  return {
    databaseUrl: url ? checkDatabaseUrl('DATABASE_URL', url) : undefined,
    databaseMigrationUrl: migrationUrl
      ? checkDatabaseUrl('DATABASE_MIGRATION_URL', migrationUrl)
      : undefined,
  };
}
