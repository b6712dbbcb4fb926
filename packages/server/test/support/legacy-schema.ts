import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The migrations of release 0.1.0 (main before the one-definition-per-function change), kept
 * as they were applied, so tests can build a database the way that release did and upgrade
 * it with today's code.
 */
const DIR = fileURLToPath(new URL('../fixtures/schema-0.1.0/', import.meta.url));

export const LEGACY_VERSION = '0.1.0';

export const CREATE_SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;

/** The release's migrations in order: file name and SQL. */
export function legacyMigrations(): Array<{ name: string; sql: string }> {
  return readdirSync(DIR)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(`${DIR}${name}`, 'utf8') }));
}

/** Whether this test run builds every database as 0.1.0 did, then upgrades it. */
export const upgradeFromLegacy = process.env.AUTH_AGENT_TEST_SCHEMA_FROM === LEGACY_VERSION;
