import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { SqlDriver } from '../../src/storage/driver.js';
import { openPostgres } from '../../src/storage/pg-driver.js';
import { openPglite } from '../../src/storage/pglite-driver.js';
import { CREATE_SCHEMA_MIGRATIONS, legacyMigrations, upgradeFromLegacy } from './legacy-schema.js';
import { templateDatabase } from './postgres-template.js';

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

const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url));
const LEGACY_MIGRATIONS = fileURLToPath(new URL('../fixtures/schema-0.1.0/', import.meta.url));

/**
 * Every migration file's name and text (today's, and release 0.1.0's that the `upgraded`
 * project starts from) and PGlite's version: what a migrated copy depends on.
 */
function migrationsDigest(): string {
  const hash = createHash('sha256');
  // The package does not export its package.json: read it beside the resolved entry point.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const root = entry.slice(0, entry.lastIndexOf('@electric-sql/pglite/') + 21);
  hash.update(readFileSync(join(root, 'package.json')));
  for (const dir of [MIGRATIONS, LEGACY_MIGRATIONS]) {
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
    for (const file of files.filter((f) => f.endsWith('.sql')))
      hash.update(`${file}\n`).update(readFileSync(join(dir, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A freshly migrated embedded database, packed (SqlDriver.snapshot), made once per set of
 * migrations and kept in the temporary directory for every test file after it: PGlite's
 * initdb and the migrations cost each test file seconds, restoring the copy about half of
 * that. Opening the copy still runs the migrations (a no-op but for the repeatable function
 * files), as a server opening an existing database does. Written under a temporary name and
 * renamed, so test files running at once never read half a copy.
 */
async function migratedCopy(): Promise<Uint8Array> {
  const path = join(tmpdir(), `auth-agent-test-pglite-${migrationsDigest()}.tar.gz`);
  if (existsSync(path)) return readFileSync(path);
  const driver = await openPglite(undefined);
  const copy = await driver.snapshot?.();
  await driver.close();
  if (!copy) throw new Error('the embedded driver gave no snapshot');
  const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, copy);
  renameSync(partial, path);
  return copy;
}

/** An embedded database: in memory, or on disk first built by release 0.1.0 and upgraded. */
async function openEmbedded(legacy: boolean): Promise<TestDatabase> {
  if (!legacy) {
    const driver = await openPglite(undefined, { restoreFrom: await migratedCopy() });
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
 * PostgreSQL server (dropped afterwards), each a copy of one migrated database (migratedCopy,
 * templateDatabase) opened as a server opens an existing database. A missing server fails
 * the suite loudly. With AUTH_AGENT_TEST_SCHEMA_FROM=0.1.0 (the `upgraded` test project)
 * every database is first built by release 0.1.0's migrations, then opened (and so
 * upgraded) by today's code.
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
  try {
    const template = await templateDatabase(
      admin,
      adminUrl,
      legacy ? 'legacy' : 'current',
      migrationsDigest(),
      async (url) => {
        if (legacy) {
          const old = new pg.Client({ connectionString: url });
          await old.connect();
          await applyLegacy((sql, params) => old.query(sql, params));
          await old.end();
        } else {
          await (await openPostgres(url, 1)).close();
        }
      },
    );
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
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
