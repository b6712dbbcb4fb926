import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { SqlDriver } from '../../src/storage/driver.js';
import { openPostgres } from '../../src/storage/pg-driver.js';
import { openPglite } from '../../src/storage/pglite-driver.js';
import { CREATE_SCHEMA_MIGRATIONS, legacyMigrations, upgradeFromLegacy } from './legacy-schema.js';

export const backend = process.env.AUTH_AGENT_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';

export interface TestDatabase {
  driver: SqlDriver;
  /** Set for the postgres backend: the URL of this test's own database. */
  url: string | undefined;
  dispose(): Promise<void>;
}

/** Applies release 0.1.0's migrations as that release did: each file in its own transaction. */
async function applyLegacy(run: (sql: string, params?: unknown[]) => Promise<unknown>) {
  await run(CREATE_SCHEMA_MIGRATIONS);
  for (const { name, sql } of legacyMigrations()) {
    await run('BEGIN');
    await run(sql);
    await run('INSERT INTO schema_migrations (version) VALUES ($1)', [name]);
    await run('COMMIT');
  }
}

/** An embedded database: in memory, or on disk first built by release 0.1.0 and upgraded. */
async function openEmbedded(legacy: boolean): Promise<TestDatabase> {
  if (!legacy) {
    const driver = await openPglite(undefined);
    return { driver, url: undefined, dispose: () => driver.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'auth-agent-upgrade-'));
  const old = await PGlite.create(join(dir, 'pglite'));
  await applyLegacy(async (sql, params) => (params ? old.query(sql, params) : old.exec(sql)));
  await old.close();
  const driver = await openPglite(dir);
  return {
    driver,
    url: undefined,
    async dispose() {
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh, migrated database per test file: in-memory PGlite, or a new database on the
 * PostgreSQL server (dropped afterwards). A missing server fails the suite loudly. With
 * AUTH_AGENT_TEST_SCHEMA_FROM=0.1.0 (the `upgraded` test project) every database is first
 * built by release 0.1.0's migrations, then opened (and so upgraded) by today's code.
 */
export async function openTestDatabase(options: { legacy?: boolean } = {}): Promise<TestDatabase> {
  const legacy = options.legacy ?? upgradeFromLegacy;
  if (backend === 'pglite') return openEmbedded(legacy);
  const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `auth_agent_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `The postgres test project needs a PostgreSQL server at ${adminUrl} (${(error as Error).message}). ` +
        'Start it, or run only the embedded suite with `npm run test:embedded`.',
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (legacy) {
    const old = new pg.Client({ connectionString: url.href });
    await old.connect();
    await applyLegacy((sql, params) => old.query(sql, params));
    await old.end();
  }
  const driver = await openPostgres(url.href, 10);
  return {
    driver,
    url: url.href,
    async dispose() {
      await driver.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/**
 * Runs one statement with the schema owner's privileges, for tests that must reach past
 * RLS to arrange a situation (an expired code) or inspect raw storage. The session user is
 * the superuser on both backends, so `SET LOCAL ROLE` can return to it inside a transaction.
 */
export async function asSuperuser<Row = Record<string, unknown>>(
  driver: SqlDriver,
  text: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  return driver.transaction(async (tx) => {
    await tx.query('SET LOCAL ROLE postgres');
    return tx.query<Row>(text, params);
  });
}
