/**
 * Every setting the server reads, with its default and a one-line doc.
 * `loadConfig` (./load.ts) turns the environment into a typed `Config` and refuses
 * unsafe production combinations before anything listens on a port.
 */
export const settings = {
  NODE_ENV: { default: 'development', doc: '`production` turns on the startup safety checks.' },
  PORT: { default: '8787', doc: 'TCP port the HTTP server listens on.' },
  HOST: {
    default: '127.0.0.1',
    doc: 'Interface to bind; use 0.0.0.0 behind a proxy or in a container.',
  },
  ISSUER: { default: '', doc: 'Public base URL (the `iss`); defaults to http://localhost:PORT.' },
  AUTH_AGENT_DATA_DIR: {
    default: './data',
    doc: 'Directory for the embedded database and generated keys.',
  },
  DATABASE_URL: {
    default: '',
    doc: 'postgres:// URL of a PostgreSQL server; empty selects embedded PGlite.',
  },
  DATABASE_POOL_SIZE: {
    default: '10',
    doc: 'Maximum connections in the pg pool of each process (each worker has its own).',
  },
  WORKERS: {
    default: '1',
    doc: 'Server processes (node:cluster) sharing the port; more than 1 needs DATABASE_URL.',
  },
  JWT_SECRET: {
    default: '',
    doc: 'HS256 key for access tokens, at least 32 bytes; generated in development.',
  },
  PBKDF2_ITERATIONS: {
    default: '100000',
    doc: 'PBKDF2-SHA256 iterations for new secret and password hashes.',
  },
  ACCESS_TOKEN_TTL: { default: '3600', doc: 'Access-token lifetime in seconds.' },
  REFRESH_TOKEN_TTL: { default: '2592000', doc: 'Refresh-token lifetime in seconds (30 days).' },
  AUTH_REQUEST_TTL: {
    default: '120',
    doc: 'How long an agent sign-in request stays open, in seconds.',
  },
  AUTH_CODE_TTL: { default: '60', doc: 'Authorization-code lifetime in seconds, 60 to 600.' },
  MAX_FAILED_ATTEMPTS_PER_REQUEST: {
    default: '5',
    doc: 'Wrong secrets a single sign-in request tolerates before it is denied.',
  },
  LOG_LEVEL: {
    default: 'info',
    doc: 'pino log level (fatal, error, warn, info, debug, trace, silent).',
  },
  TRUST_PROXY: {
    default: '',
    doc: 'Set to 1 when a reverse proxy sets X-Forwarded-For and X-Forwarded-Proto.',
  },
  MAX_BODY_BYTES: { default: '65536', doc: 'Largest request body accepted, in bytes.' },
} as const satisfies Record<string, { default: string; doc: string }>;

export type SettingName = keyof typeof settings;
