import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import { listenControlSocket } from './cli/control-socket.js';
import type { Config } from './config/load.js';
import { productionWarnings } from './config/production.js';
import { issueSetupLink } from './console/setup/setup-link.js';
import { createApp } from './http/app.js';
import { Drain } from './http/drain.js';
import { assertPortAvailable, listenError } from './http/listen-check.js';
import { byDeadline, drainServer } from './http/shutdown.js';
import { scheduleHousekeeping } from './operations/housekeeping.js';
import { createServerContext } from './server-context.js';
import { openDatabase } from './storage/open.js';
import { resolveServerSecrets } from './tokens/server-secrets.js';

export interface RunningServer {
  url: string;
  /** One-time link that creates the first admin; set only while no user exists. */
  setupLink: string | undefined;
  /**
   * Drains and stops (readiness 503 at once, requests in flight answered, the security log
   * stored, the database closed) within SHUTDOWN_TIMEOUT; `reason` (a signal) is logged.
   */
  close(reason?: string): Promise<void>;
}

/** Opens storage (migrating it), builds the app and listens. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  // A cluster worker shares the port the primary checked (cluster/workers.ts).
  if (cluster.isPrimary) await assertPortAvailable(config.host, config.port);
  const db = await openDatabase(config, { logger });
  const ctx = createServerContext({ config, db, logger, secrets: resolveServerSecrets(config) });
  for (const warning of productionWarnings(config)) logger.warn(warning);
  await ctx.security.counters.ready();
  await ctx.keys.ready();
  const drain = new Drain();
  const app = createApp(ctx, { drain });
  const stopHousekeeping = scheduleHousekeeping(
    db,
    logger,
    config.housekeepingInterval,
    config.registration.unusedClientTtl,
  );
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s),
    );
    s.once('error', reject);
  }).catch(async (error: unknown) => {
    stopHousekeeping();
    await ctx.security.close();
    await db.close();
    throw listenError(error, config.host, config.port);
  });
  // Only the embedded database needs the CLI to come through the server (see control-socket.ts).
  const control = config.databaseUrl ? undefined : await listenControlSocket(ctx);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    url: `http://${config.host}:${port}`,
    setupLink: await issueSetupLink(db, config.issuer),
    async close(reason = 'close') {
      const started = Date.now();
      const deadline = started + config.shutdownTimeout * 1000;
      logger.info(
        { reason, shutdown_timeout_s: config.shutdownTimeout },
        'shutdown: draining (readiness is 503, no new connections)',
      );
      control?.close();
      const forced = await drainServer(server as Server, drain, deadline);
      stopHousekeeping();
      await byDeadline(ctx.signInNotices.flush(), deadline);
      await byDeadline(ctx.security.close(), deadline);
      await byDeadline(db.close(), deadline);
      logger.info({ reason, forced, ms: Date.now() - started }, 'shutdown: done');
      logger.flush();
    },
  };
}
