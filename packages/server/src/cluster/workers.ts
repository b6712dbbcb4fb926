import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { describeDatabaseUrl } from '../config/database-url.js';
import { type Config, ConfigError } from '../config/load.js';
import { assertPortAvailable } from '../http/listen-check.js';
import { openDatabase } from '../storage/open.js';
import { resolveServerSecrets } from '../tokens/server-secrets.js';

/** A worker that dies this many times within the window stops being replaced. */
const CRASH_LIMIT = 5;
const CRASH_WINDOW_MS = 30_000;

/**
 * WORKERS=N needs a database that several processes can share. Embedded PGlite lives inside
 * one process (and its data dir is locked to it), so it is refused rather than ignored.
 */
export function assertWorkersSupported(config: Config): void {
  if (config.workers > 1 && !config.databaseUrl) {
    throw new ConfigError(
      `WORKERS=${config.workers} needs DATABASE_URL: the embedded PGlite database runs inside a ` +
        'single process and cannot be shared by workers. Unset WORKERS (or set it to 1) for ' +
        'embedded storage, or point DATABASE_URL at a PostgreSQL server to use several workers.',
    );
  }
}

/**
 * The cluster primary: migrates once, then forks `config.workers` servers that share the
 * port (node:cluster hands connections round-robin), replaces a worker that dies, and on
 * SIGTERM/SIGINT stops them all. Every worker gets the same secrets, generated here in
 * development when none are configured, so a token or code from one worker is valid at all.
 */
export async function runPrimary(config: Config, logger: Logger): Promise<number> {
  assertWorkersSupported(config);
  await assertPortAvailable(config.host, config.port);
  await (await openDatabase(config)).close();
  const secrets = resolveServerSecrets(config);
  const env = {
    KEY_ENCRYPTION_KEY: secrets.keyEncryptionKey,
    ...(secrets.jwtSecret ? { JWT_SECRET: secrets.jwtSecret } : {}),
    WORKERS: '1',
  };
  const crashes: number[] = [];
  let stopping = false;
  const fork = () => cluster.fork(env);
  const listening = new Set<number>();
  cluster.on('listening', (worker: Worker) => {
    listening.add(worker.id);
    if (listening.size === config.workers)
      process.stdout.write(
        `Auth Agent is listening on http://${config.host}:${config.port} with ${config.workers} workers\nIssuer: ${config.issuer}\nStorage: PostgreSQL ${describeDatabaseUrl(config.databaseUrl ?? '')} (DATABASE_URL)\n`,
      );
  });
  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    listening.delete(worker.id);
    if (stopping) return;
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && (crashes[0] ?? now) < now - CRASH_WINDOW_MS) crashes.shift();
    logger.error({ event: 'worker.exit', code, signal }, 'worker exited; replacing it');
    if (crashes.length >= CRASH_LIMIT) {
      logger.fatal({ event: 'worker.crash_loop' }, 'workers keep dying; shutting down');
      void stop();
      return;
    }
    fork();
  });
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });
  const stop = async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.process.kill('SIGTERM');
          }),
      ),
    );
    resolveDone(crashes.length >= CRASH_LIMIT ? 1 : 0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  for (let i = 0; i < config.workers; i++) fork();
  return done;
}
