/**
 * Every setting the server reads, with its default and a one-line doc.
 * `loadConfig` (./load.ts) turns the environment into a typed `Config` and refuses
 * unsafe production combinations before anything listens on a port.
 */
export const settings = {
  NODE_ENV: { default: 'development', doc: '`production` turns on the startup safety checks.' },
  PORT: {
    default: '8787',
    doc: 'TCP port the HTTP server listens on; checked before the database opens, so a port in use stops the start at once.',
  },
  HOST: {
    default: '127.0.0.1',
    doc: 'Interface to bind; use 0.0.0.0 behind a proxy or in a container.',
  },
  ISSUER: { default: '', doc: 'Public base URL (the `iss`); defaults to http://localhost:PORT.' },
  AUTH_AGENT_DATA_DIR: {
    default: './data',
    doc: 'Directory for the embedded database and generated keys. The CLI names the directory it uses on stderr, and says when it is this default.',
  },
  DATABASE_URL: {
    default: '',
    doc: 'postgres:// (or postgresql://) URL of a PostgreSQL server; empty selects embedded PGlite. Other schemes are refused.',
  },
  DATABASE_MIGRATION_URL: {
    default: '',
    doc: 'postgres:// URL of the schema owner for migrations; then DATABASE_URL may log in as a member of auth_agent_app.',
  },
  DATABASE_POOL_SIZE: {
    default: '10',
    doc: 'Maximum connections in the pg pool of each process (each worker has its own).',
  },
  DATABASE_CONNECT_TIMEOUT_MS: {
    default: '5000',
    doc: 'Milliseconds to open a PostgreSQL connection (or wait for a free one in the pool) before the request is answered 503.',
  },
  DATABASE_QUERY_TIMEOUT_MS: {
    default: '10000',
    doc: 'Milliseconds one PostgreSQL statement may run (statement_timeout); the client gives up one second later if the server is silent, and the request is answered 503.',
  },
  DATABASE_KEEPALIVE_DELAY_MS: {
    default: '10000',
    doc: 'Idle milliseconds before TCP keep-alive probes start on PostgreSQL connections, so a vanished server is noticed; 0 turns keep-alive off.',
  },
  READINESS_TIMEOUT_MS: {
    default: '2000',
    doc: 'Milliseconds GET /health/ready waits for the database before it answers 503.',
  },
  WORKERS: {
    default: '1',
    doc: 'Server processes (node:cluster) sharing the port; more than 1 needs DATABASE_URL.',
  },
  SIGNING_ALG: {
    default: 'ES256',
    doc: 'Algorithm of access and ID tokens: ES256, EdDSA (Ed25519) or RS256, with keys published at /.well-known/jwks.json; HS256 opts into the original symmetric JWT_SECRET key (nothing to publish, so no ID tokens or OpenID Connect discovery).',
  },
  KEY_ENCRYPTION_KEY: {
    default: '',
    doc: 'Secret that seals the signing keys stored in the database (AES-256-GCM) and derives the authorization-code key; every instance and the CLI need the same. At least 32 bytes and 12 different characters; generated and kept in the data dir when unset outside production.',
  },
  JWT_SECRET: {
    default: '',
    doc: 'With SIGNING_ALG=HS256: the HMAC key of access tokens. At least 32 bytes and 12 different characters in every mode when set (a weaker one is refused); generated and kept in the data dir when unset outside production.',
  },
  JWKS_MAX_AGE: {
    default: '300',
    doc: 'Seconds verifiers may cache /.well-known/jwks.json (its Cache-Control max-age).',
  },
  SIGNING_KEY_ACTIVATION_DELAY: {
    default: '600',
    doc: 'Seconds a key made by `keys rotate` is published before it signs; at least JWKS_MAX_AGE, so every verifier has it first.',
  },
  PBKDF2_ITERATIONS: {
    default: '100000',
    doc: 'PBKDF2-SHA256 iterations for new secret and password hashes.',
  },
  PBKDF2_PER_SOURCE: {
    default: '4',
    doc: 'Secret checks one address (IPv6: one /64) may have running or waiting at once; more are answered 503.',
  },
  PBKDF2_DECOYS: {
    default: '16',
    doc: 'Checks for ids that do not exist (decoy work) running or waiting at once, all addresses together.',
  },
  ACCESS_TOKEN_TTL: { default: '3600', doc: 'Access-token lifetime in seconds.' },
  REFRESH_TOKEN_TTL: { default: '2592000', doc: 'Refresh-token lifetime in seconds (30 days).' },
  REFRESH_RETRY_WINDOW: {
    default: '10',
    doc: 'Seconds after a refresh in which the same client presenting the same (now used) refresh token again gets the same new refresh token, instead of the reuse revoking the family (a retry after a lost answer, RFC 9700 §4.14); 0 turns this off.',
  },
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
  LOG_SYNC: {
    default: '',
    doc: 'Set to 1 to write every log line before going on; by default lines are buffered and written within 100 ms (and at exit).',
  },
  TRUST_PROXY: {
    default: '',
    doc: 'Set to 1 when a reverse proxy sets X-Forwarded-For and X-Forwarded-Proto.',
  },
  MAX_BODY_BYTES: { default: '65536', doc: 'Largest request body accepted, in bytes.' },
  CONSOLE_SIGNUP: {
    default: 'open',
    doc: '`open` lets anyone create a console account; `closed` leaves it to admins and the CLI.',
  },
  CONSOLE_SESSION_IDLE_TIMEOUT: {
    default: '1800',
    doc: 'Console sessions end after this many seconds without a request.',
  },
  CONSOLE_SESSION_LIFETIME: {
    default: '43200',
    doc: 'Console sessions end this many seconds after log-in, however active.',
  },
  CLIENT_SECRET_OVERLAP: {
    default: '86400',
    doc: "Seconds a website's replaced client secret keeps working after the owner rotates it in the console (24 hours), unless the owner ends the overlap sooner; 0 to 2592000. An operator's `client rotate-secret` ends it at once.",
  },
  SMTP_URL: {
    default: '',
    doc: 'smtp(s):// URL for console mail; empty writes mail to the server log (development outbox).',
  },
  MAIL_FROM: {
    default: '',
    doc: 'From address of console mail; defaults to no-reply@<issuer host>.',
  },
  CORS_ORIGINS: {
    default: '',
    doc: 'Comma-separated origins allowed to call the API from browsers, or `none`. Production requires it set.',
  },
  REDIS_URL: {
    default: '',
    doc: 'redis:// URL; rate limits and alert counters are then shared by every instance.',
  },
  REDIS_KEY_PREFIX: { default: 'auth-agent', doc: 'Prefix of every Redis key this server writes.' },
  RATE_LIMITS: {
    default: '',
    doc: 'Overrides of per-minute limits, `name=perIp/perIdentity,...` (names in docs/security.md).',
  },
  RATE_LIMIT_WINDOW: { default: '60', doc: 'Rate-limit window in seconds.' },
  LOCKOUT_IDENTITY_MAX_FAILURES: {
    default: '100',
    doc: 'Wrong secrets for one agent, client or account from all sources together before only sources it recently authenticated from may still try.',
  },
  LOCKOUT_TRUSTED_SOURCE_TTL: {
    default: '2592000',
    doc: 'Seconds a source stays trusted for an identity after it authenticated as it (30 days).',
  },
  LOCKOUT_MAX_FAILURES: {
    default: '10',
    doc: 'Wrong secrets for one agent, client or account from one source (address) before that source is locked out of it.',
  },
  LOCKOUT_WINDOW: { default: '900', doc: 'Seconds in which LOCKOUT_MAX_FAILURES must occur.' },
  LOCKOUT_DURATION: { default: '900', doc: 'First lockout in seconds; each next one doubles.' },
  LOCKOUT_MAX_DURATION: { default: '86400', doc: 'Longest lockout in seconds.' },
  METRICS_TOKEN: {
    default: '',
    doc: 'Bearer token for GET /metrics; without it /metrics answers loopback callers only.',
  },
  ALERT_WEBHOOK_URL: { default: '', doc: 'Alerts are POSTed here as JSON when set.' },
  ALERT_FAILED_AUTH_PER_MINUTE: {
    default: '100',
    doc: 'Alert when failed authentications in one minute exceed this.',
  },
  ALERT_INVALID_REDIRECT_PER_MINUTE: {
    default: '0',
    doc: 'Alert when invalid redirect URI attempts in one minute exceed this (0: any).',
  },
  ALERT_RLS_VIOLATION_PER_MINUTE: {
    default: '0',
    doc: "Alert when attempts to reach other owners' objects in one minute exceed this (0: any).",
  },
  ALERT_WEBHOOK_RETRIES: { default: '5', doc: 'Delivery attempts per alert after the first.' },
  CLIENT_REGISTRATION: {
    default: 'open',
    doc: 'Dynamic Client Registration at POST /register: `open`, `token` (an initial access token from `auth-agent registration-token create`), or `off`.',
  },
  CLIENT_REGISTRATION_SECRETS: {
    default: '',
    doc: 'Set to 1 to let dynamically registered clients use a client secret; by default they are public or use private_key_jwt.',
  },
  CLIENT_REGISTRATION_UNUSED_TTL: {
    default: '2592000',
    doc: 'Seconds a client nobody owns (dynamically registered, or from a metadata document) lives without a live sign-in before housekeeping deletes it.',
  },
  CLIENT_ID_METADATA_DOCUMENTS: {
    default: 'on',
    doc: '`on` accepts an https URL as client_id and fetches its Client ID Metadata Document; `off` refuses such client ids.',
  },
  CLIENT_METADATA_CACHE_MIN: {
    default: '60',
    doc: 'Shortest time in seconds a fetched metadata document (or JWKS) is reused, whatever its Cache-Control says.',
  },
  CLIENT_METADATA_CACHE_MAX: {
    default: '3600',
    doc: 'Longest time in seconds a fetched metadata document (or JWKS) is reused before it is fetched again.',
  },
  CLIENT_METADATA_TIMEOUT_MS: {
    default: '3000',
    doc: 'Milliseconds a fetch of a metadata document or JWKS may take in all before it is abandoned.',
  },
  CLIENT_METADATA_ALLOW_LOOPBACK_HTTP: {
    default: '',
    doc: 'Development only (refused in production): set to 1 to fetch metadata documents and JWKS over http from loopback addresses.',
  },
  SHUTDOWN_TIMEOUT: {
    default: '25',
    doc: 'Seconds a SIGTERM or SIGINT waits for requests in flight to finish before the remaining connections are closed and the process exits.',
  },
  HOUSEKEEPING_INTERVAL: {
    default: '3600',
    doc: 'Seconds between purges of expired requests, codes, tokens and sessions; 0 disables.',
  },
} as const satisfies Record<string, { default: string; doc: string }>;

export type SettingName = keyof typeof settings;
