import { Writable } from 'node:stream';
import type { Hono } from 'hono';
import { provisionApi } from '../../src/accounts/api-provisioning.js';
import { provisionAgent, provisionClient, provisionUser } from '../../src/accounts/provisioning.js';
import type { ResolveHost } from '../../src/clients/outbound/guarded-lookup.js';
import { loadConfig } from '../../src/config/load.js';
import { DEFAULT_RATE_LIMITS } from '../../src/config/rate-limits.js';
import { randomToken } from '../../src/crypto/random.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import type { ServerContext } from '../../src/server-context.js';
import { createServerContext } from '../../src/server-context.js';
import type { ServerSecrets } from '../../src/tokens/server-secrets.js';
import { openTestDatabase, type TestDatabase } from './database.js';

export const ISSUER = 'http://auth.test';
export const REDIRECT_URI = 'http://localhost:3000/callback';

export interface ClientFixture {
  client_id: string;
  client_secret: string | null;
  redirect_uris: string[];
}

/** An API (resource server) as `auth-agent api create` returns it. */
export interface ApiFixture {
  api_id: string;
  api_secret: string;
  identifier: string;
  scopes: string[];
}

export interface AgentFixture {
  agent_id: string;
  agent_secret: string;
}

export interface Harness {
  app: Hono;
  ctx: ServerContext;
  /** The secrets the server runs with (generated unless `env` sets them). */
  secrets: ServerSecrets;
  db: TestDatabase;
  /** Every log line the server wrote, raw. */
  logs: string[];
  request(path: string, init?: RequestInit): Promise<Response>;
  createUser(email?: string): Promise<{ id: string; email: string; password: string }>;
  createClient(
    ownerEmail: string,
    options?: {
      public?: boolean;
      redirectUris?: string[];
      name?: string;
      clientCredentials?: boolean;
    },
  ): Promise<ClientFixture>;
  createAgent(
    ownerEmail: string,
    options?: { email?: string; name?: string },
  ): Promise<AgentFixture>;
  createApi(
    ownerEmail: string,
    options: { identifier: string; scopes?: string[]; name?: string },
  ): Promise<ApiFixture>;
  dispose(): Promise<void>;
}

/** What the flow helpers need of a server: in-process here, or a spawned one over HTTP. */
export type HttpTarget = Pick<Harness, 'request'>;

let counter = 0;

/** Functional tests make many requests a minute from one address; rate-limit tests set their own. */
const GENEROUS_RATE_LIMITS = Object.keys(DEFAULT_RATE_LIMITS)
  .map((name) => `${name}=100000/100000`)
  .join(',');

/**
 * A server on a fresh database (or `options.db`, shared with another harness: two instances
 * of one deployment), driven in-process through Hono's `app.request`. `resolveHost` replaces
 * DNS for the server's outbound fetches (metadata documents, JWKS); `trustedCertificates`
 * lets them trust a test's https document server (support/document-server.ts).
 */
export async function createHarness(
  env: Record<string, string> = {},
  options: {
    resolveHost?: ResolveHost;
    db?: TestDatabase;
    trustedCertificates?: string[];
    /** Retries and deadlines of sign-in notices (security/sign-in-notices.ts). */
    noticeDelivery?: { retries?: number; baseDelayMs?: number; timeoutMs?: number };
  } = {},
): Promise<Harness> {
  const db = options.db ?? (await openTestDatabase());
  const config = loadConfig({
    ISSUER,
    LOG_LEVEL: 'info',
    RATE_LIMITS: GENEROUS_RATE_LIMITS,
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const secrets: ServerSecrets = {
    keyEncryptionKey: config.keyEncryptionKey ?? randomToken(48),
    jwtSecret: config.signingAlg === 'HS256' ? (config.jwtSecret ?? randomToken(48)) : undefined,
  };
  const ctx = createServerContext({
    config,
    db: db.driver,
    logger,
    secrets,
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    ...(options.trustedCertificates ? { trustedCertificates: options.trustedCertificates } : {}),
    ...(options.noticeDelivery ? { noticeDelivery: options.noticeDelivery } : {}),
  });
  await ctx.keys.ready();
  const app = createApp(ctx);
  const iterations = config.pbkdf2Iterations;
  return {
    app,
    ctx,
    secrets,
    db,
    logs,
    request: async (path, init) => app.request(new URL(path, ISSUER).href, init),
    async createUser(email = `owner${++counter}-${randomToken(16).slice(0, 8)}@example.com`) {
      const password = randomToken(16);
      const user = await provisionUser(db.driver, { email, password, admin: false, iterations });
      return { id: user.id, email: user.email, password };
    },
    async createClient(ownerEmail, options = {}) {
      return provisionClient(db.driver, {
        ownerEmail,
        name: options.name ?? 'Example Website',
        redirectUris: options.redirectUris ?? [REDIRECT_URI],
        public: options.public ?? false,
        clientCredentials: options.clientCredentials ?? false,
        iterations,
      });
    },
    async createAgent(ownerEmail, options = {}) {
      return provisionAgent(db.driver, {
        ownerEmail,
        userEmail: options.email ?? 'agent-user@example.com',
        userName: options.name ?? 'Agent User',
        iterations,
      });
    },
    async createApi(ownerEmail, options) {
      return provisionApi(db.driver, {
        ownerEmail,
        identifier: options.identifier,
        name: options.name ?? 'Example API',
        scopes: options.scopes ?? [],
        iterations,
      });
    },
    dispose: () => db.dispose(),
  };
}
