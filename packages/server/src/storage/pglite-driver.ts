import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.js';
import { APP_ROLE, type SqlDriver, type SqlExecutor } from './driver.js';
import { migrate } from './migrate.js';

function executor(db: PGlite | Transaction): SqlExecutor & { exec(script: string): Promise<void> } {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async exec(script: string) {
      await db.exec(script);
    },
  };
}

/**
 * Embedded PostgreSQL. `dataDir` undefined means in memory (tests). The database is
 * migrated as its superuser, then the session drops to the application role for good.
 */
export async function openPglite(dataDir: string | undefined): Promise<SqlDriver> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir ? join(dataDir, 'pglite') : undefined);
    await migrate({ privilegedTransaction: (work) => db.transaction((tx) => work(executor(tx))) });
    await db.exec(`SET ROLE ${APP_ROLE}`);
  } catch (error) {
    unlock();
    throw error;
  }
  const base = executor(db);
  return {
    kind: 'pglite',
    query: base.query,
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    async close() {
      await db.close();
      unlock();
    },
  };
}
