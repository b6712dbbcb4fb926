import { readdir, readFile } from 'node:fs/promises';
import type { SqlExecutor } from './driver.js';

const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);
const FUNCTIONS_DIR = new URL('functions/', MIGRATIONS_DIR);
/** Triggers whose functions are defined in functions/ (applied after them, repeatably). */
const TRIGGERS_FILE = new URL('triggers.sql', MIGRATIONS_DIR);

export interface MigrationExecutor extends SqlExecutor {
  /** Runs a script of several statements (no parameters). */
  exec(script: string): Promise<void>;
}

export interface MigrationRunner {
  /** Runs `work` in one transaction with the privileges of the schema owner. */
  privilegedTransaction<T>(work: (tx: MigrationExecutor) => Promise<T>): Promise<T>;
}

async function sqlFiles(
  dir: URL,
  pattern = /\.sql$/,
): Promise<Array<{ name: string; sql: string }>> {
  const names = (await readdir(dir)).filter((f) => pattern.test(f)).sort();
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(new URL(name, dir), 'utf8') })),
  );
}

/** Every function file, in name order (a file only uses functions of the files before it). */
async function applyFunctions(tx: MigrationExecutor, checkBodies: boolean): Promise<void> {
  await tx.query(`SET LOCAL check_function_bodies = ${checkBodies ? 'on' : 'off'}`);
  for (const file of await sqlFiles(FUNCTIONS_DIR)) await tx.exec(file.sql);
}

/**
 * Brings the schema up to date, in one transaction under an advisory lock (several instances
 * may start at once on one PostgreSQL server):
 * 1. roles.sql: the roles the schema needs (they are cluster-wide, so a restored dump may
 *    lack them);
 * 2. each numbered migration not yet recorded in schema_migrations: tables, policies,
 *    grants, triggers and data changes, and the DROP of a function whose signature changes;
 * 3. every file of functions/: each SQL function's one live definition, re-applied with
 *    CREATE OR REPLACE on every start (the repeatable-migration pattern);
 * 4. triggers.sql: CREATE OR REPLACE TRIGGER for triggers whose function a numbered migration
 *    could not name yet (on an upgraded database the function exists only after step 3).
 * `rolesOnly` stops after step 1 (`auth-agent migrate --roles-only`, before a pg_restore).
 * A new database gets the functions once more before step 2, with body checks off (as
 * pg_restore does), because its first migrations' policies and triggers call them.
 */
export async function migrate(runner: MigrationRunner, rolesOnly = false): Promise<string[]> {
  const roles = await readFile(new URL('roles.sql', MIGRATIONS_DIR), 'utf8');
  const migrations = await sqlFiles(MIGRATIONS_DIR, /^\d{3}_[a-z0-9_]+\.sql$/);
  return runner.privilegedTransaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(727274)');
    await tx.exec(roles);
    // Step 1 alone: a new, empty database that pg_restore is about to fill (its dump grants
    // to roles that a new cluster does not have yet; docs/operations.md).
    if (rolesOnly) return [];
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await tx.query<{ version: string }>('SELECT version FROM schema_migrations')).map(
        (row) => row.version,
      ),
    );
    if (done.size === 0) await applyFunctions(tx, false);
    const applied: string[] = [];
    for (const { name, sql } of migrations) {
      if (done.has(name)) continue;
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [name]);
      applied.push(name);
    }
    await applyFunctions(tx, true);
    await tx.exec(await readFile(TRIGGERS_FILE, 'utf8'));
    return applied;
  });
}
