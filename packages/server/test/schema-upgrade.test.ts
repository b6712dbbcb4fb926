import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlExecutor } from '../src/storage/driver.js';
import { asSuperuser, openTestDatabase, type TestDatabase } from './support/database.js';
import { LEGACY_VERSION } from './support/legacy-schema.js';

// A database created by release 0.1.0 and upgraded by today's code must end up with exactly
// the schema a new database gets: same tables and columns, constraints, indexes, policies,
// triggers, functions (signature, body, security, settings) and privileges. The `upgraded`
// test project then runs the whole suite on such databases.
let fresh: TestDatabase;
let upgraded: TestDatabase;

beforeAll(async () => {
  fresh = await openTestDatabase({ legacy: false });
  upgraded = await openTestDatabase({ legacy: true });
});
afterAll(async () => {
  await fresh?.dispose();
  await upgraded?.dispose();
});

const CATALOG: Record<string, string> = {
  columns: `SELECT table_name, column_name, data_type, is_nullable, column_default,
                   generation_expression
            FROM information_schema.columns WHERE table_schema = 'public'
            ORDER BY 1, 2`,
  constraints: `SELECT conrelid::regclass::text AS rel, contype, pg_get_constraintdef(oid) AS def
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                ORDER BY 1, 3`,
  indexes: `SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
  tables: `SELECT relname, relrowsecurity, relforcerowsecurity, relacl::text
           FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
           ORDER BY 1`,
  policies: `SELECT tablename, policyname, cmd, roles::text, qual, with_check
             FROM pg_policies WHERE schemaname = 'public' ORDER BY 1, 2`,
  triggers: `SELECT tgrelid::regclass::text AS rel, tgname, pg_get_triggerdef(oid) AS def
             FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`,
  functions: `SELECT proname, pg_get_function_identity_arguments(oid) AS args,
                     pg_get_function_result(oid) AS result, prosrc, prosecdef,
                     proconfig::text, provolatile, (SELECT lanname FROM pg_language l
                                                     WHERE l.oid = prolang) AS lang,
                     proacl::text
              FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1, 2`,
  columnGrants: `SELECT table_name, column_name, grantee, privilege_type
                 FROM information_schema.column_privileges
                 WHERE table_schema = 'public' AND grantee = 'auth_agent_app'
                 ORDER BY 1, 2, 4`,
};

async function catalog(db: TestDatabase): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [name, query] of Object.entries(CATALOG))
    out[name] = await asSuperuser(db.driver, query);
  return out;
}

describe(`a database created by release ${LEGACY_VERSION}`, () => {
  it('upgrades to exactly the schema of a new database', async () => {
    const [expected, actual] = [await catalog(fresh), await catalog(upgraded)];
    for (const part of Object.keys(CATALOG)) expect(actual[part], part).toEqual(expected[part]);
    expect((expected.functions ?? []).length).toBeGreaterThan(50);
  });

  it('keeps its data: the rows written by the old release are still there', async () => {
    const count = (db: SqlExecutor) =>
      db.query<{ n: string }>('SELECT count(*)::text AS n FROM schema_migrations');
    const [row] = await count(upgraded.driver);
    // 0.1.0's eight migrations, recorded by that release, plus today's.
    expect(Number(row?.n)).toBeGreaterThanOrEqual(9);
  });
});
