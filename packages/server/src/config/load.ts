import { type SettingName, settings } from './settings.js';

export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly issuer: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  /** Server processes behind one port (node:cluster); PostgreSQL only. */
  readonly workers: number;
  /** Undefined until `resolveJwtSecret` fills it (development generates one). */
  readonly jwtSecret: string | undefined;
  readonly pbkdf2Iterations: number;
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly authRequestTtl: number;
  readonly authCodeTtl: number;
  readonly maxFailedAttemptsPerRequest: number;
  readonly logLevel: string;
  readonly trustProxy: boolean;
  readonly maxBodyBytes: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: SettingName): string {
  const value = env[name];
  return value === undefined || value === '' ? settings[name].default : value;
}

function integer(env: Env, name: SettingName, min: number, max: number): number {
  const raw = read(env, name);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${raw}").`);
  }
  return value;
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

export function loadConfig(env: Env = process.env): Config {
  const production = read(env, 'NODE_ENV') === 'production';
  const port = integer(env, 'PORT', 0, 65535);
  const issuer = normaliseIssuer(read(env, 'ISSUER') || `http://localhost:${port}`);
  const config: Config = {
    production,
    port,
    host: read(env, 'HOST'),
    issuer,
    dataDir: read(env, 'AUTH_AGENT_DATA_DIR'),
    databaseUrl: read(env, 'DATABASE_URL') || undefined,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 1, 500),
    workers: integer(env, 'WORKERS', 1, 64),
    jwtSecret: read(env, 'JWT_SECRET') || undefined,
    pbkdf2Iterations: integer(env, 'PBKDF2_ITERATIONS', 100_000, 10_000_000),
    accessTokenTtl: integer(env, 'ACCESS_TOKEN_TTL', 60, 86_400),
    refreshTokenTtl: integer(env, 'REFRESH_TOKEN_TTL', 300, 31_536_000),
    authRequestTtl: integer(env, 'AUTH_REQUEST_TTL', 30, 3_600),
    // RFC 6749 §4.1.2 recommends a maximum of 10 minutes.
    authCodeTtl: integer(env, 'AUTH_CODE_TTL', 60, 600),
    maxFailedAttemptsPerRequest: integer(env, 'MAX_FAILED_ATTEMPTS_PER_REQUEST', 1, 100),
    logLevel: read(env, 'LOG_LEVEL'),
    trustProxy: ['1', 'true', 'yes'].includes(read(env, 'TRUST_PROXY').toLowerCase()),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1_024, 10_485_760),
  };
  assertSafeForProduction(config);
  return config;
}

/** The deployment checklist of the security guide, enforced where the server can see it. */
export function assertSafeForProduction(config: Config): void {
  if (!config.production) return;
  const problems: string[] = [];
  if (!config.jwtSecret)
    problems.push('JWT_SECRET is not set; generate one with `openssl rand -base64 48`.');
  else if (Buffer.byteLength(config.jwtSecret) < 32)
    problems.push('JWT_SECRET is shorter than 32 bytes.');
  if (!config.issuer.startsWith('https://'))
    problems.push(`ISSUER must be https in production (got ${config.issuer}).`);
  if (problems.length > 0) {
    throw new ConfigError(
      `Refusing to start with an unsafe production configuration:\n - ${problems.join('\n - ')}`,
    );
  }
}
