import { ConfigError } from './config-error.js';
import { type Env, integer } from './env.js';

/** How long the server waits on PostgreSQL before it answers 503 (storage/pg-driver.ts). */
export interface DatabaseTimeouts {
  connectMs: number;
  /** The server-side statement_timeout; the client gives up one second later. */
  queryMs: number;
  /** 0: no TCP keep-alive. */
  keepAliveDelayMs: number;
}

/** Outages, retries and shutdown (docs/operations-runtime.md). */
export interface RuntimeSettings {
  readonly databaseTimeouts: DatabaseTimeouts;
  readonly readinessTimeoutMs: number;
  /** Seconds; 0 turns the refresh retry off (grants/refresh-token.ts). */
  readonly refreshRetryWindow: number;
  /** Seconds a signal waits for requests in flight (start-server.ts). */
  readonly shutdownTimeout: number;
}

export function runtimeSettings(env: Env, accessTokenTtl: number): RuntimeSettings {
  const refreshRetryWindow = integer(env, 'REFRESH_RETRY_WINDOW', 0, 300);
  if (refreshRetryWindow >= accessTokenTtl)
    throw new ConfigError('REFRESH_RETRY_WINDOW must be shorter than ACCESS_TOKEN_TTL.');
  return {
    databaseTimeouts: {
      connectMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 100, 120_000),
      queryMs: integer(env, 'DATABASE_QUERY_TIMEOUT_MS', 100, 600_000),
      keepAliveDelayMs: integer(env, 'DATABASE_KEEPALIVE_DELAY_MS', 0, 3_600_000),
    },
    readinessTimeoutMs: integer(env, 'READINESS_TIMEOUT_MS', 50, 60_000),
    refreshRetryWindow,
    shutdownTimeout: integer(env, 'SHUTDOWN_TIMEOUT', 1, 3_600),
  };
}
