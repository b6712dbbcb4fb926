import type { Logger } from 'pino';
import { settings } from '../config/settings.js';
import type { SqlExecutor } from '../storage/driver.js';

export type PurgeCounts = Record<string, number>;

const DEFAULT_UNUSED_CLIENT_TTL = Number(settings.CLIENT_REGISTRATION_UNUSED_TTL.default);

/**
 * Deletes expired requests, codes, tokens, lockouts and sessions, and clients nobody owns
 * that went unused for `unusedClientTtl` seconds (security_purge_expired).
 */
export async function purgeExpired(
  db: SqlExecutor,
  unusedClientTtl = DEFAULT_UNUSED_CLIENT_TTL,
): Promise<PurgeCounts | undefined> {
  const [row] = await db.query<{ counts: PurgeCounts | null }>(
    'SELECT security_purge_expired($1) AS counts',
    [unusedClientTtl],
  );
  // NULL: another instance is purging right now.
  return row?.counts ?? undefined;
}

/** Runs the purge every `intervalSeconds` (0 disables); the timer never holds the process. */
export function scheduleHousekeeping(
  db: SqlExecutor,
  logger: Logger,
  intervalSeconds: number,
  unusedClientTtl = DEFAULT_UNUSED_CLIENT_TTL,
): () => void {
  if (intervalSeconds <= 0) return () => {};
  const run = async () => {
    try {
      const counts = await purgeExpired(db, unusedClientTtl);
      if (counts) logger.info({ purged: counts }, 'housekeeping: expired rows purged');
    } catch (error) {
      logger.error({ err: error }, 'housekeeping failed');
    }
  };
  const timer = setInterval(run, intervalSeconds * 1000);
  timer.unref();
  const first = setTimeout(run, 5_000);
  first.unref();
  return () => {
    clearInterval(timer);
    clearTimeout(first);
  };
}
