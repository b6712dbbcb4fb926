import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDriver } from '../src/storage/driver.js';
import { insertAgent, registerUser } from '../src/storage/owner-store.js';
import { openPostgres } from '../src/storage/pg-driver.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { asUser } from './support/sessions.js';

// With DATABASE_MIGRATION_URL, the pool logs in as a role that is a member of auth_agent_app and
// nothing more, so no statement in the application's session can reach past row-level security.
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const login = `aa_login_${randomBytes(6).toString('hex')}`;
let db: TestDatabase;
let app: SqlDriver;

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  db = await openTestDatabase();
  await admin(`CREATE ROLE ${login} LOGIN NOSUPERUSER NOBYPASSRLS IN ROLE auth_agent_app`);
  const url = new URL(db.url ?? '');
  url.username = login;
  app = await openPostgres(url.href, 2, db.url);
});
afterAll(async () => {
  await app?.close();
  await db.dispose();
  await admin(`DROP ROLE IF EXISTS ${login}`);
});

describe('a dedicated login role for the application', () => {
  it('runs as auth_agent_app with a session user that is not superuser', async () => {
    const [row] = await app.query<{
      current_user: string;
      session_user: string;
      rolsuper: boolean;
    }>(
      'SELECT current_user, session_user, (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)',
    );
    expect(row).toEqual({ current_user: 'auth_agent_app', session_user: login, rolsuper: false });
  });

  it('cannot leave row-level security with RESET ROLE or SET ROLE', async () => {
    const alice = await db.driver.privileged((tx) =>
      registerUser(tx, 'alice@example.com', 'x', 'user'),
    );
    await asUser(db.driver, alice, (tx) =>
      insertAgent(tx, alice, {
        agentId: 'agent-alice',
        secretHash: 'h',
        userEmail: 'a@x.io',
        userName: null,
      }),
    );
    const seen = await app.transaction(async (tx) => {
      await tx.query('RESET ROLE');
      return tx.query('SELECT agent_id FROM agents');
    });
    expect(seen).toEqual([]);
    await expect(app.query('SET ROLE postgres')).rejects.toThrow(/permission denied/);
  });

  it('still reaches the OAuth functions', async () => {
    expect(await app.query('SELECT * FROM oauth_request_status($1)', ['nobody'])).toEqual([]);
  });
});
