import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { assertPortFree, type Child, spawnNode, waitUntilReady } from './child.js';
import { processTree } from './rss.js';

const require = createRequire(import.meta.url);
const SERVER_BIN = require.resolve('@auth-agent/server/bin/auth-agent.js');

/** The issuer must be https under NODE_ENV=production; TLS itself is left out of the bench. */
export const BENCH_ISSUER = 'https://auth.bench.example';

const BENCH_RATE_LIMITS = [
  'token',
  'authenticate',
  'introspect',
  'revoke',
  'authorize',
  'check_status',
  'console_login',
  'console_signup',
]
  .map((name) => `${name}=9999999/9999999`)
  .join(',');

/** The secrets every instance of one bench deployment shares. */
export interface BenchSecrets {
  keyEncryptionKey: string;
  jwtSecret: string;
}

export function benchSecrets(): BenchSecrets {
  return {
    keyEncryptionKey: randomBytes(48).toString('base64url'),
    jwtSecret: randomBytes(48).toString('base64url'),
  };
}

export interface ServerOptions {
  port: number;
  databaseUrl?: string;
  dataDir?: string;
  secrets: BenchSecrets;
  /** SIGNING_ALG of the server: ES256 (its default), EdDSA, RS256 or HS256. */
  signingAlg: string;
  workers?: number;
  poolSize?: number;
  iterations: number;
  /** Extra node flags, e.g. --cpu-prof for a profile of a missed target. */
  nodeArgs?: string[];
  extraEnv?: Record<string, string>;
  /** NODE_OPTIONS for the server, e.g. the V8 heap limit recommended in docs/scaling.md. */
  nodeOptions?: string;
}

export interface RunningAuthAgent {
  child: Child;
  origin: string;
}

/** Starts `auth-agent serve` with production settings and waits until it is ready. */
export async function startAuthAgent(options: ServerOptions): Promise<RunningAuthAgent> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    ISSUER: BENCH_ISSUER,
    HOST: '127.0.0.1',
    PORT: String(options.port),
    SIGNING_ALG: options.signingAlg,
    KEY_ENCRYPTION_KEY: options.secrets.keyEncryptionKey,
    ...(options.signingAlg === 'HS256' ? { JWT_SECRET: options.secrets.jwtSecret } : {}),
    PBKDF2_ITERATIONS: String(options.iterations),
    // Production also requires a TLS-terminating proxy (the load generator plays it by
    // sending X-Forwarded-Proto: https) and a deliberate CORS choice.
    TRUST_PROXY: '1',
    CORS_ORIGINS: 'none',
    // Every virtual client comes from 127.0.0.1; the limiters still run on every request,
    // with budgets the load cannot reach (the limits are tested in the server's suite).
    RATE_LIMITS: BENCH_RATE_LIMITS,
    // Likewise the per-address bound on secret checks: the cold sign-ins check up to 32 at
    // once from that one address. The flood scenarios send each wrong secret from an
    // address of its own, so this bound would not stop them anyway; the decoy and overall
    // bounds keep their defaults (docs/security.md, "Password hashing under load").
    PBKDF2_PER_SOURCE: '1000',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.dataDir ? { AUTH_AGENT_DATA_DIR: options.dataDir } : {}),
    ...(options.workers ? { WORKERS: String(options.workers) } : {}),
    ...(options.poolSize ? { DATABASE_POOL_SIZE: String(options.poolSize) } : {}),
    ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
    ...options.extraEnv,
  };
  await assertPortFree(options.port);
  const child = spawnNode(SERVER_BIN, ['serve'], {
    env,
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
  });
  const origin = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilReady(child, `${origin}/health/ready`);
    // Connections are handed to workers as they open, so wait for every worker to listen
    // before the load generator opens its keep-alive connections.
    const workers = options.workers ?? 1;
    while (workers > 1 && processTree(child.pid).length < workers + 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (workers > 1) await new Promise((resolve) => setTimeout(resolve, 1_500));
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { child, origin };
}
