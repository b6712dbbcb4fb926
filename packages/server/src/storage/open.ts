import type { Config } from '../config/load.js';
import type { SqlDriver } from './driver.js';
import { openPostgres } from './pg-driver.js';
import { openPglite } from './pglite-driver.js';

export interface OpenOptions {
  /** Keep the embedded database in memory (tests); ignored with DATABASE_URL. */
  inMemory?: boolean;
}

/** DATABASE_URL selects a PostgreSQL server; otherwise embedded PGlite in the data dir. */
export function openDatabase(config: Config, options: OpenOptions = {}): Promise<SqlDriver> {
  if (config.databaseUrl) {
    return openPostgres(config.databaseUrl, config.databasePoolSize, config.databaseMigrationUrl);
  }
  return openPglite(options.inMemory ? undefined : config.dataDir);
}
