import cluster from 'node:cluster';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { assertWorkersSupported, runPrimary } from '../cluster/workers.js';
import { describeDatabaseUrl } from '../config/database-url.js';
import type { Config } from '../config/load.js';
import { startServer } from '../start-server.js';

export async function serveCommand(config: Config, logger: Logger): Promise<number> {
  assertWorkersSupported(config);
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config, logger);
  const server = await startServer(config, logger);
  const storage = config.databaseUrl
    ? `PostgreSQL ${describeDatabaseUrl(config.databaseUrl)} (DATABASE_URL)`
    : `embedded PGlite in ${resolve(config.dataDir)}${config.dataDirIsDefault ? ' (AUTH_AGENT_DATA_DIR is not set: the default ./data)' : ''}`;
  if (cluster.isPrimary) {
    process.stdout.write(
      `Auth Agent is listening on ${server.url}\nIssuer: ${config.issuer}\nStorage: ${storage}\nConsole: ${config.issuer}/console\n`,
    );
    // First run: the one-time link is printed here (stdout, not the log) and stored hashed.
    if (server.setupLink) {
      process.stdout.write(
        `\nNo account exists yet. Create the administrator first, with this one-time link (valid 24 hours; it stops working once any account exists):\n  ${server.setupLink}\nor run: npx auth-agent user create --email you@example.com --admin\n`,
      );
    }
  }
  // A second signal during the drain is ignored: SHUTDOWN_TIMEOUT bounds it already.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (name: NodeJS.Signals) => resolve(name);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close(signal);
  // A worker's IPC channel to the primary would keep it alive after the server closed.
  cluster.worker?.disconnect();
  return 0;
}
