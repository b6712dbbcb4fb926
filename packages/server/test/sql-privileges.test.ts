import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './support/database.js';

// Finding 5 of the abuse review: app_is_admin was executable by PUBLIC, SECURITY DEFINER
// functions the application role could call replaced any agent's secret or created admins,
// and it could read every hash. Nothing in the schema is executable by PUBLIC, what only the
// operator may do is not executable by the application role (the CLI runs it on a
// privileged connection), and no hash column is readable by it.
let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.dispose());

/** As the schema owner: the privilege catalogue is the operator's to read. */
function superuser<Row>(sql: string): Promise<Row[]> {
  return db.driver.transaction(async (tx) => {
    await tx.query('SET LOCAL ROLE postgres');
    return tx.query<Row>(sql);
  });
}

const PUBLIC_EXECUTE = `
  SELECT p.oid::regprocedure::text AS fn
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = 'public'
    AND EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
  ORDER BY 1`;

const OPERATOR_ONLY = [
  'security_set_agent_secret(text,text)',
  'security_set_client_secret(text,text)',
  'security_lockout_clear(text,text)',
  'security_revoke_grants(text,text)',
  'security_revoke_sessions()',
  'security_rotate_signing_key(text,text,jsonb,text,integer,integer,boolean,text)',
  'security_ensure_signing_key(text,text,jsonb,text,integer,text[])',
  'app_user_by_email(text)',
  'operator_users()',
  'operator_agents(text)',
  'operator_clients(text)',
  'operator_delete_principal(text,text)',
  'operator_apis(text)',
  'operator_set_api_secret(text,text)',
  'operator_delete_user(text,boolean)',
  'sign_in_first_seen(uuid,uuid,text[])',
];

const HASH_COLUMNS = [
  'users.password_hash',
  'agents.secret_hash',
  'clients.secret_hash',
  'clients.registration_token_hash',
  'clients.previous_secret_hash',
];

describe('column privileges', () => {
  it('lets the application role read every column of the owner tables but the hashes', async () => {
    const columns = await superuser<{ col: string; readable: boolean }>(
      `SELECT table_name || '.' || column_name AS col,
              has_column_privilege('auth_agent_app', table_name::regclass, column_name, 'SELECT')
                AS readable
       FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name IN ('users', 'agents', 'clients')
       ORDER BY 1`,
    );
    expect(columns.length).toBeGreaterThan(20);
    expect(columns.filter((c) => !c.readable).map((c) => c.col)).toEqual(
      HASH_COLUMNS.filter((h) => columns.some((c) => c.col === h)).sort(),
    );
    expect(columns.filter((c) => !c.readable).length).toBeGreaterThanOrEqual(3);
  });

  it("keeps an agent's webhook signing secret from the application role, sealed as it is", async () => {
    const [row] = await superuser<{ secret: boolean; url: boolean }>(
      `SELECT has_column_privilege('auth_agent_app', 'agent_sign_in_notifications',
                                   'webhook_secret', 'SELECT') AS secret,
              has_column_privilege('auth_agent_app', 'agent_sign_in_notifications',
                                   'webhook_url', 'SELECT') AS url`,
    );
    expect(row).toEqual({ secret: false, url: true });
  });
});

describe('SQL function privileges', () => {
  it('leaves no function of the schema executable by PUBLIC', async () => {
    const functions = await superuser<{ fn: string }>(
      `SELECT count(*)::int AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = 'public'`,
    );
    expect(Number(functions[0]?.fn)).toBeGreaterThan(40);
    expect((await superuser<{ fn: string }>(PUBLIC_EXECUTE)).map((r) => r.fn)).toEqual([]);
  });

  it("keeps the operator's functions from the application role", async () => {
    for (const fn of OPERATOR_ONLY) {
      const [row] = await superuser<{ allowed: boolean }>(
        `SELECT has_function_privilege('auth_agent_app', '${fn}', 'EXECUTE') AS allowed`,
      );
      expect(row?.allowed, fn).toBe(false);
    }
    // The console reaches admin creation through no function at all.
    const [register] = await superuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'app_register_user'
       AND has_function_privilege('auth_agent_app', oid, 'EXECUTE')
       AND pg_get_function_identity_arguments(oid) LIKE '%p_role%'`,
    );
    expect(register?.n).toBe(0);
  });

  it('does not grant a function created later to PUBLIC', async () => {
    const rollback = new Error('rollback');
    let leaked: string[] = [];
    await db.driver
      .transaction(async (tx) => {
        await tx.query('SET LOCAL ROLE postgres');
        await tx.query(
          'CREATE FUNCTION zz_added_later() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
        );
        leaked = (await tx.query<{ fn: string }>(PUBLIC_EXECUTE)).map((r) => r.fn);
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    expect(leaked).toEqual([]);
  });
});
