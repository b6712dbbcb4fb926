import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { openTestDatabase, type TestDatabase } from './database.js';

// Shared by the app-role-sql-*.postgres.test.ts files. Finding 5 of the abuse review:
// row-level security contained query bugs, not SQL run as the application role. There
// arbitrary SQL runs as the application's recommended LOGIN role (LOGIN NOSUPERUSER
// NOBYPASSRLS IN ROLE auth_agent_app, docs/security.md), as an attacker holding the server's
// database credentials would run it, and must not reach other owners' rows, read a hash,
// become admin, forge its identity, or unlock, replace or revoke anything of anyone's.
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const HASH =
  'pbkdf2-sha256$100000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
export const DENIED = /permission denied|does not exist/;

export const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

type Rows = Record<string, unknown>[];

/** A test database with a victim and an admin, and a connection as the attacker's role. */
export interface AttackWorld {
  /** Connected as the attacker's LOGIN role. */
  attacker: pg.Client;
  adminId: string;
  victimId: string;
  /** The victim's console session id (what the cookie holds). */
  victimSession: string;
  victimAgentRef: string;
  victimClientRef: string;
  /** Identities an attacker might claim with set_config: [setting, value]. */
  forged: Array<[string, string]>;
  asSuperuser(sql: string, params?: unknown[]): Promise<Rows>;
  /** One statement as the attacker, in a transaction rolled back afterwards. */
  attack(sql: string, params?: unknown[]): Promise<Rows>;
  /** Runs `sql` after claiming an identity with set_config, in one rolled-back transaction. */
  attackAs(setting: string, value: string, sql: string): Promise<Rows>;
  dispose(): Promise<void>;
}

async function asSuperuser(url: string, sql: string, params: unknown[] = []): Promise<Rows> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function createAttackWorld(): Promise<AttackWorld> {
  const login = `aa_attacker_${randomBytes(6).toString('hex')}`;
  const db: TestDatabase = await openTestDatabase();
  const superuser = (sql: string, params: unknown[] = []) => asSuperuser(db.url ?? '', sql, params);
  const dropRole = () => asSuperuser(adminUrl, `DROP ROLE IF EXISTS ${login}`);
  try {
    await asSuperuser(
      adminUrl,
      `CREATE ROLE ${login} LOGIN NOSUPERUSER NOBYPASSRLS IN ROLE auth_agent_app`,
    );
    const [admin] = await superuser(
      "INSERT INTO users (email, password_hash, role) VALUES ('root@example.com', $1, 'admin') RETURNING id",
      [HASH],
    );
    const [victim] = await superuser(
      "INSERT INTO users (email, password_hash) VALUES ('victim@example.com', $1) RETURNING id",
      [HASH],
    );
    const adminId = String(admin?.id);
    const victimId = String(victim?.id);
    await superuser(
      `INSERT INTO agents (agent_id, secret_hash, owner_id, user_email) VALUES ('victim-agent', $1, $2, 'v@example.com')`,
      [HASH, victimId],
    );
    await superuser(
      `INSERT INTO clients (client_id, secret_hash, name, redirect_uris, owner_id,
                            token_endpoint_auth_method)
       VALUES ('victim-client', $1, 'Victim', ARRAY['https://victim.example/cb'], $2,
               'client_secret_basic')`,
      [HASH, victimId],
    );
    const [refs] = await superuser(
      `SELECT a.id AS agent, c.id AS client FROM agents a, clients c
       WHERE a.agent_id = 'victim-agent' AND c.client_id = 'victim-client'`,
    );
    const victimAgentRef = String(refs?.agent);
    const victimClientRef = String(refs?.client);
    await superuser(
      `INSERT INTO agent_sign_in_notifications (agent_ref, owner_id, notify_mail, webhook_url,
                                                webhook_secret)
       VALUES ($1, $2, true, 'https://victim.example/hook', 'sealed-victim-secret')`,
      [victimAgentRef, victimId],
    );
    await superuser('INSERT INTO agent_first_sign_ins (agent_ref, client_ref) VALUES ($1, $2)', [
      victimAgentRef,
      victimClientRef,
    ]);
    const victimSession = randomBytes(32).toString('base64url');
    await superuser(
      "INSERT INTO console_sessions (id_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')",
      [digest(victimSession), victimId],
    );
    const url = new URL(db.url ?? '');
    url.username = login;
    const attacker = new pg.Client({ connectionString: url.href });
    await attacker.connect();
    return {
      attacker,
      adminId,
      victimId,
      victimSession,
      victimAgentRef,
      victimClientRef,
      forged: [
        ['app.user_id', adminId],
        ['app.user_id', victimId],
        ['app.session', 'forged-session-id'],
        ['app.session', digest(victimSession)], // the stored hash is not the session id
        ['app.session', adminId],
      ],
      asSuperuser: superuser,
      async attack(sql, params = []) {
        await attacker.query('BEGIN');
        try {
          return (await attacker.query(sql, params)).rows;
        } finally {
          await attacker.query('ROLLBACK');
        }
      },
      async attackAs(setting, value, sql) {
        await attacker.query('BEGIN');
        try {
          await attacker.query('SELECT set_config($1, $2, true)', [setting, value]);
          return (await attacker.query(sql)).rows;
        } finally {
          await attacker.query('ROLLBACK');
        }
      },
      async dispose() {
        await attacker.end();
        await db.dispose();
        await dropRole();
      },
    };
  } catch (error) {
    await db.dispose();
    await dropRole();
    throw error;
  }
}
