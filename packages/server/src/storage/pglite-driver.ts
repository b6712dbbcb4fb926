import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.js';
import { restrictToOwner } from './data-dir-permissions.js';
import { DatabaseAvailability } from './database-availability.js';
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

export interface PgliteOptions {
  /** Told which paths of an existing data directory were not owner-only (and now are). */
  onPermissionsFixed?: (paths: string[]) => void;
  /**
   * A snapshot (SqlDriver.snapshot) that replaces the database in `dataDir`, once the lock
   * is taken: what `auth-agent restore` loads. It is then migrated like any database.
   */
  restoreFrom?: Uint8Array;
}

/**
 * The data directory holds every secret's hash and the whole database: owner-only whatever
 * state it is found in (told to onPermissionsFixed), and again once PGlite has created its
 * files (it creates them 0666) and when it closes. Between those, files PGlite creates are
 * reachable only through directories that are 0700 (the process umask is 077 from here on).
 */
function protectDataDir(dir: string, options: PgliteOptions): () => void {
  if (isMainThread) process.umask(0o077);
  const fixed = restrictToOwner(dir);
  if (fixed.length > 0) options.onPermissionsFixed?.(fixed);
  return () => restrictToOwner(dir);
}

/**
 * Embedded PostgreSQL. `dataDir` undefined means in memory (tests). The database is
 * migrated as its superuser, then the session drops to the application role for good.
 */
export async function openPglite(
  dataDir: string | undefined,
  options: PgliteOptions = {},
): Promise<SqlDriver> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  let db: PGlite;
  let restrict = () => {};
  try {
    if (dataDir) restrict = protectDataDir(dataDir, options);
    const pgData = dataDir ? join(dataDir, 'pglite') : undefined;
    if (pgData && options.restoreFrom) rmSync(pgData, { recursive: true, force: true });
    db = await PGlite.create({
      dataDir: pgData,
      loadDataDir: options.restoreFrom
        ? new Blob([new Uint8Array(options.restoreFrom)])
        : undefined,
    });
    await migrate({ privilegedTransaction: (work) => db.transaction((tx) => work(executor(tx))) });
    restrict();
    await db.exec(`SET ROLE ${APP_ROLE}`);
  } catch (error) {
    unlock();
    throw error;
  }
  const base = executor(db);
  return {
    kind: 'pglite',
    availability: new DatabaseAvailability(),
    query: base.query,
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    // The session user is PGlite's superuser; the application role comes back at COMMIT.
    privileged: (work) =>
      db.transaction(async (tx) => {
        await tx.query('SET LOCAL ROLE NONE');
        return work(executor(tx));
      }),
    // No other statement runs while this transaction holds PGlite's transaction lock, and
    // CHECKPOINT first writes every committed change into the files that PGlite then packs:
    // the copy is what a clean stop would leave (nothing of the lock or the control socket,
    // which live beside pglite/, not in it).
    snapshot: () =>
      db.transaction(async (tx) => {
        await tx.query('SET LOCAL ROLE NONE');
        await tx.exec('CHECKPOINT');
        const tar = await db.dumpDataDir('gzip');
        return new Uint8Array(await tar.arrayBuffer());
      }),
    async close() {
      await db.close();
      restrict();
      unlock();
    },
  };
}
