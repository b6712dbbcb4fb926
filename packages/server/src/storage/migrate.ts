import { readdir, readFile } from 'node:fs/promises';
import type { SqlExecutor } from './driver.js';

const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

export interface MigrationExecutor extends SqlExecutor {
  /** Runs a script of several statements (no parameters). */
  exec(script: string): Promise<void>;
}

export interface MigrationRunner {
  /** Runs `work` in one transaction with the privileges of the schema owner. */
  privilegedTransaction<T>(work: (tx: MigrationExecutor) => Promise<T>): Promise<T>;
}

/**
 * Applies every migration not yet recorded, in file-name order, each in its own
 * transaction. An advisory lock serialises concurrent starters on one PostgreSQL server.
 */
export async function migrate(runner: MigrationRunner): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (const file of files) {
    const sql = await readFile(new URL(file, MIGRATIONS_DIR), 'utf8');
    const didApply = await runner.privilegedTransaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(727274)');
      await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [file]);
      if (done.length > 0) return false;
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      return true;
    });
    if (didApply) applied.push(file);
  }
  return applied;
}
