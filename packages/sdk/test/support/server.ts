import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionApi } from '../../../server/src/accounts/api-provisioning.js';
import {
  provisionAgent,
  provisionClient,
  provisionUser,
} from '../../../server/src/accounts/provisioning.js';
import { loadConfig } from '../../../server/src/config/load.js';
import { createLogger } from '../../../server/src/logger.js';
import { startServer } from '../../../server/src/start-server.js';
import { openDatabase } from '../../../server/src/storage/open.js';

export interface ClientFixture {
  client_id: string;
  client_secret: string | null;
  redirect_uris: string[];
}

export interface AgentFixture {
  agent_id: string;
  agent_secret: string;
}

/** What global-setup.ts hands every SDK test file (via `inject('authAgent')`). */
export interface ServerFixtures {
  issuer: string;
  owner: string;
  /** A confidential website (client_secret_basic). */
  website: ClientFixture;
  /** A second confidential website of the same owner. */
  otherWebsite: ClientFixture;
  /** A public website (PKCE only, no secret). */
  publicWebsite: ClientFixture;
  agent: AgentFixture;
  /** Two APIs (resource servers, RFC 8707) of the owner, by their identifiers. */
  apis: { orders: string; billing: string };
}

export interface TestServer extends ServerFixtures {
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Settings on top of the test defaults, e.g. `{ ACCESS_TOKEN_TTL: '60' }`. */
  env?: Record<string, string>;
  /** Receives the server's log at level info (one JSON line per request); silent without. */
  log?: Parameters<typeof createLogger>[1];
}

/**
 * A real Auth Agent server on `port`: embedded PGlite in a fresh temp data dir, provisioned
 * through the same service the CLI uses, then started with `startServer`.
 */
export async function startTestServer(
  port: number,
  redirectUris: string[],
  options: TestServerOptions = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'auth-agent-sdk-'));
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: `http://localhost:${port}`,
    AUTH_AGENT_DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    LOG_LEVEL: 'silent',
    // One server serves every SDK test from one address; the limits themselves are tested
    // in packages/server/test/security-rate-limit.test.ts.
    RATE_LIMITS:
      'authenticate=100000/100000,token=100000/100000,authorize=100000/100000,check_status=100000/100000,introspect=100000/100000,revoke=100000/100000',
    ...options.env,
  });
  const iterations = config.pbkdf2Iterations;
  const db = await openDatabase(config);
  const owner = 'owner@example.com';
  let fixtures: Omit<ServerFixtures, 'issuer' | 'owner'>;
  try {
    await provisionUser(db, {
      email: owner,
      password: 'a-long-test-password',
      admin: false,
      iterations,
    });
    const client = (name: string, isPublic: boolean) =>
      provisionClient(db, { ownerEmail: owner, name, redirectUris, public: isPublic, iterations });
    fixtures = {
      website: await client('Example Website', false),
      otherWebsite: await client('Other Website', false),
      publicWebsite: await client('Public Website', true),
      agent: await provisionAgent(db, {
        ownerEmail: owner,
        userEmail: 'person@example.com',
        userName: 'Pat Person',
        iterations,
      }),
      apis: {
        orders: 'https://orders.example.com/api',
        billing: 'https://billing.example.com/api',
      },
    };
    for (const [name, identifier] of Object.entries(fixtures.apis))
      await provisionApi(db, { ownerEmail: owner, identifier, name, scopes: [], iterations });
  } finally {
    await db.close();
  }
  const logger = options.log ? createLogger('info', options.log) : createLogger('silent');
  const server = await startServer(config, logger);
  return {
    issuer: config.issuer,
    owner,
    ...fixtures,
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
