import { openPostgres } from '../../src/storage/pg-driver.js';
import type { TestDatabase } from './database.js';
import { createHarness, type Harness } from './harness.js';

/**
 * Another instance of the same deployment: a second server context on `first`'s database
 * (its own connection pool on PostgreSQL; PGlite lives in one process, so there the driver
 * is shared) with the same settings and secrets. Dispose it before `first`.
 */
export async function secondInstance(
  first: Harness,
  env: Record<string, string>,
): Promise<Harness> {
  const driver = first.db.url ? await openPostgres(first.db.url, 5) : first.db.driver;
  const db: TestDatabase = {
    driver,
    url: first.db.url,
    dispose: async () => {
      if (driver !== first.db.driver) await driver.close();
    },
  };
  return createHarness({ ...env, KEY_ENCRYPTION_KEY: first.secrets.keyEncryptionKey }, { db });
}
