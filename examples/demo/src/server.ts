import {
  provisionAgent,
  provisionClient,
  provisionUser,
} from '@auth-agent/server/dist/accounts/provisioning.js';
import { loadConfig } from '@auth-agent/server/dist/config/load.js';
import { createApp } from '@auth-agent/server/dist/http/app.js';
import { createLogger } from '@auth-agent/server/dist/logger.js';
import { createServerContext } from '@auth-agent/server/dist/server-context.js';
import type { SqlDriver } from '@auth-agent/server/dist/storage/driver.js';
import { openDatabase } from '@auth-agent/server/dist/storage/open.js';
import { resolveServerSecrets } from '@auth-agent/server/dist/tokens/server-secrets.js';
import { serve } from '@hono/node-server';

export interface DemoServer {
  issuer: string;
  /** Creates the demo owner, website and agent through the CLI's provisioning service. */
  provision(input: { websiteCallback: string }): Promise<DemoAccounts>;
  close(): Promise<void>;
}

export interface DemoAccounts {
  owner: string;
  website: { client_id: string; client_secret: string | null };
  agent: { agent_id: string; agent_secret: string; user_email: string };
}

/**
 * The server exactly as `auth-agent serve` builds it (config, embedded PGlite in `dataDir`,
 * generated key-encryption key and signing key, the HTTP app), started in this process so the demo can provision on
 * the same database while it runs: an embedded data dir admits one process at a time.
 */
export async function startDemoServer(dataDir: string, port: number): Promise<DemoServer> {
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: `http://localhost:${port}`,
    AUTH_AGENT_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  });
  const db: SqlDriver = await openDatabase(config);
  const logger = createLogger(config.logLevel);
  const ctx = createServerContext({ config, db, logger, secrets: resolveServerSecrets(config) });
  await ctx.keys.ready();
  const app = createApp(ctx);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: config.host }, () => resolve(s));
    s.once('error', reject);
  }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const iterations = config.pbkdf2Iterations;
  return {
    issuer: config.issuer,
    async provision({ websiteCallback }) {
      const owner = 'owner@demo.example';
      await provisionUser(db, {
        email: owner,
        password: 'demo-owner-password-not-used',
        admin: false,
        iterations,
      });
      const website = await provisionClient(db, {
        ownerEmail: owner,
        name: 'Demo Shop',
        redirectUris: [websiteCallback],
        public: false,
        iterations,
      });
      const agent = await provisionAgent(db, {
        ownerEmail: owner,
        userEmail: 'person@demo.example',
        userName: 'Demo Person',
        iterations,
      });
      return { owner, website, agent };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
