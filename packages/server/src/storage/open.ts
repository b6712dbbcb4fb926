import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { SqlDriver } from './driver.js';
import { openPostgres } from './pg-driver.js';
import { openPglite } from './pglite-driver.js';

export interface OpenOptions {
  /** Keep the embedded database in memory (tests); ignored with DATABASE_URL. */
  inMemory?: boolean;
  /** Where warnings about the data directory go; without one, a line on stderr. */
  logger?: Pick<Logger, 'warn'>;
  /** PostgreSQL: create the roles the schema needs and nothing else (storage/migrate.ts). */
  rolesOnly?: boolean;
}

function warnPermissionsFixed(options: OpenOptions, dataDir: string, paths: string[]): void {
  const message = `The embedded data directory ${dataDir} had ${paths.length} entries other users could reach; they are owner-only now (directories 0700, files 0600).`;
  if (options.logger)
    options.logger.warn(
      { event: 'data_dir.permissions_fixed', data_dir: dataDir, fixed: paths.slice(0, 20) },
      message,
    );
  else console.warn(`auth-agent: ${message}`);
}

/** DATABASE_URL selects a PostgreSQL server; otherwise embedded PGlite in the data dir. */
export function openDatabase(config: Config, options: OpenOptions = {}): Promise<SqlDriver> {
  if (config.databaseUrl) {
    return openPostgres(
      config.databaseUrl,
      config.databasePoolSize,
      config.databaseMigrationUrl,
      config.databaseTimeouts,
      options.rolesOnly,
    );
  }
  return openPglite(options.inMemory ? undefined : config.dataDir, {
    onPermissionsFixed: (paths) => warnPermissionsFixed(options, config.dataDir, paths),
  });
}
