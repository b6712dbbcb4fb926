import { join } from 'node:path';
import type { SqlDriver, SqlExecutor } from '@auth-agent/server/dist/storage/driver.js';
import { openPostgres } from '@auth-agent/server/dist/storage/pg-driver.js';
import { openPglite } from '@auth-agent/server/dist/storage/pglite-driver.js';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export type BackendKind = 'pglite' | 'postgres';

/** Where one backend's data lives: a PGlite data dir or a PostgreSQL database URL. */
export type BackendLocation =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; url: string };

/** The server's own driver (migrates on open, runs as the application role). */
export function openServerDriver(location: BackendLocation): Promise<SqlDriver> {
  return location.kind === 'pglite' ? openPglite(location.dataDir) : openPostgres(location.url, 2);
}

export interface PrivilegedConnection extends SqlExecutor {
  close(): Promise<void>;
}

/**
 * A connection as the schema owner, for bulk seeding the tables that the application role
 * may not write directly. Only the bench uses it, and only while the server is stopped
 * (PGlite is single-process).
 */
export async function openPrivileged(location: BackendLocation): Promise<PrivilegedConnection> {
  if (location.kind === 'pglite') {
    const db = await PGlite.create(join(location.dataDir, 'pglite'));
    return {
      async query<Row>(text: string, params: readonly unknown[] = []) {
        return (await db.query<Row>(text, params as unknown[])).rows;
      },
      close: () => db.close(),
    };
  }
  const client = new pg.Client({ connectionString: location.url });
  await client.connect();
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await client.query(text, params as unknown[])).rows as Row[];
    },
    close: () => client.end(),
  };
}
