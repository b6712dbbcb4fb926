import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './support/database.js';

// Finding 5 of the abuse review: row-level security contained query bugs, not SQL run as
// the application role. Here arbitrary SQL runs as the application's recommended LOGIN
// role (LOGIN NOSUPERUSER NOBYPASSRLS IN ROLE auth_agent_app, docs/security.md), as an
// attacker holding the server's database credentials would run it, and must not reach
// other owners' rows, read a hash, become admin, forge its identity, or unlock, replace or
// revoke anything of anyone's.
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const login = `aa_attacker_${randomBytes(6).toString('hex')}`;
const HASH =
  'pbkdf2-sha256$100000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
let db: TestDatabase;
let attacker: pg.Client;
let adminId: string;
let victimId: string;
let victimSession: string;
let victimAgentRef: string;
let victimClientRef: string;

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

async function asSuperuser(sql: string, params: unknown[] = [], url = db.url ?? '') {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** One statement as the attacker, in a transaction rolled back afterwards. */
async function attack(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  await attacker.query('BEGIN');
  try {
    return (await attacker.query(sql, params)).rows;
  } finally {
    await attacker.query('ROLLBACK');
  }
}

beforeAll(async () => {
  db = await openTestDatabase();
  await asSuperuser(
    `CREATE ROLE ${login} LOGIN NOSUPERUSER NOBYPASSRLS IN ROLE auth_agent_app`,
    [],
    adminUrl,
  );
  const [admin] = await asSuperuser(
    "INSERT INTO users (email, password_hash, role) VALUES ('root@example.com', $1, 'admin') RETURNING id",
    [HASH],
  );
  const [victim] = await asSuperuser(
    "INSERT INTO users (email, password_hash) VALUES ('victim@example.com', $1) RETURNING id",
    [HASH],
  );
  adminId = String(admin?.id);
  victimId = String(victim?.id);
  await asSuperuser(
    `INSERT INTO agents (agent_id, secret_hash, owner_id, user_email) VALUES ('victim-agent', $1, $2, 'v@example.com')`,
    [HASH, victimId],
  );
  await asSuperuser(
    `INSERT INTO clients (client_id, secret_hash, name, redirect_uris, owner_id,
                          token_endpoint_auth_method)
     VALUES ('victim-client', $1, 'Victim', ARRAY['https://victim.example/cb'], $2,
             'client_secret_basic')`,
    [HASH, victimId],
  );
  const [refs] = await asSuperuser(
    `SELECT a.id AS agent, c.id AS client FROM agents a, clients c
     WHERE a.agent_id = 'victim-agent' AND c.client_id = 'victim-client'`,
  );
  victimAgentRef = String(refs?.agent);
  victimClientRef = String(refs?.client);
  await asSuperuser(
    `INSERT INTO agent_sign_in_notifications (agent_ref, owner_id, notify_mail, webhook_url,
                                              webhook_secret)
     VALUES ($1, $2, true, 'https://victim.example/hook', 'sealed-victim-secret')`,
    [victimAgentRef, victimId],
  );
  await asSuperuser('INSERT INTO agent_first_sign_ins (agent_ref, client_ref) VALUES ($1, $2)', [
    victimAgentRef,
    victimClientRef,
  ]);
  victimSession = randomBytes(32).toString('base64url');
  await asSuperuser(
    "INSERT INTO console_sessions (id_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')",
    [digest(victimSession), victimId],
  );
  const url = new URL(db.url ?? '');
  url.username = login;
  attacker = new pg.Client({ connectionString: url.href });
  await attacker.connect();
}, 60_000);

afterAll(async () => {
  await attacker?.end();
  await db.dispose();
  await asSuperuser(`DROP ROLE IF EXISTS ${login}`, [], adminUrl);
});

const DENIED = /permission denied|does not exist/;

/** Runs `sql` after claiming an identity with set_config, in one rolled-back transaction. */
async function attackAs(setting: string, value: string, sql: string) {
  await attacker.query('BEGIN');
  try {
    await attacker.query('SELECT set_config($1, $2, true)', [setting, value]);
    return (await attacker.query(sql)).rows;
  } finally {
    await attacker.query('ROLLBACK');
  }
}

let FORGED: Array<[string, string]> = [];

describe('arbitrary SQL as the application login role', () => {
  beforeAll(() => {
    FORGED = [
      ['app.user_id', adminId],
      ['app.user_id', victimId],
      ['app.session', 'forged-session-id'],
      ['app.session', digest(victimSession)], // the stored hash is not the session id
      ['app.session', adminId],
    ];
  });

  it('cannot take an identity by setting app.user_id or a forged app.session', async () => {
    for (const [setting, value] of FORGED) {
      const rows = await attack(
        `SELECT set_config($1, $2, true), (SELECT count(*)::int FROM users) AS users,
                (SELECT count(*)::int FROM agents) AS agents,
                (SELECT count(*)::int FROM clients) AS clients,
                (SELECT count(*)::int FROM console_sessions) AS sessions, app_is_admin() AS admin`,
        [setting, value],
      );
      expect(rows[0], `${setting}=${value}`).toMatchObject({
        users: 0,
        agents: 0,
        clients: 0,
        sessions: 0,
        admin: false,
      });
    }
  });

  it('cannot read a password or secret hash, through a table or a function', async () => {
    for (const sql of [
      'SELECT password_hash FROM users',
      'SELECT secret_hash FROM agents',
      'SELECT secret_hash FROM clients',
      'SELECT registration_token_hash FROM clients',
      'SELECT * FROM users',
      "SELECT * FROM app_user_by_email('victim@example.com')",
    ])
      await expect(attack(sql), sql).rejects.toThrow(DENIED);
  });

  it('cannot change or delete other owners rows, whatever identity it claims', async () => {
    for (const [setting, value] of FORGED) {
      for (const sql of [
        "UPDATE agents SET label = 'pwned' RETURNING id",
        "UPDATE clients SET redirect_uris = ARRAY['https://evil.example/cb'] RETURNING id",
        'UPDATE users SET disabled_at = now() RETURNING id',
        'DELETE FROM clients RETURNING id',
        'DELETE FROM agents RETURNING id',
      ]) {
        expect(await attackAs(setting, value, sql), `${setting}=${value}: ${sql}`).toEqual([]);
      }
      // Roles and accounts change only through app_admin_set_role / app_admin_delete_user.
      for (const sql of ["UPDATE users SET role = 'admin' RETURNING id", 'DELETE FROM users'])
        await expect(attackAs(setting, value, sql), sql).rejects.toThrow(DENIED);
    }
  });

  it('cannot create an admin or make itself one', async () => {
    await expect(
      attack("SELECT app_register_user('evil@example.com', 'h', 'admin')"),
    ).rejects.toThrow(DENIED);
    // Signing up is open to anyone (a plain user) ...
    const mine = randomBytes(32).toString('base64url');
    await attacker.query('BEGIN');
    try {
      await attacker.query("SELECT app_register_user('evil@example.com', 'h', $1, 3600)", [
        digest(mine),
      ]);
      await attacker.query("SELECT set_config('app.session', $1, true)", [mine]);
      // ... but it sees only itself, and no one may change their own role.
      const seen = await attacker.query('SELECT email FROM users');
      expect(seen.rows).toEqual([{ email: 'evil@example.com' }]);
      await expect(attacker.query("UPDATE users SET role = 'admin'")).rejects.toThrow(DENIED);
    } finally {
      await attacker.query('ROLLBACK');
    }
  });

  it('cannot replace, unlock or revoke what is not its own', async () => {
    for (const sql of [
      "SELECT security_set_agent_secret('victim-agent', 'h')",
      "SELECT security_set_client_secret('victim-client', 'h')",
      "SELECT security_lockout_clear('agent', 'victim-agent')",
      "SELECT security_revoke_grants('all', NULL)",
      'SELECT security_revoke_sessions()',
    ])
      await expect(attack(sql), sql).rejects.toThrow(DENIED);
    // Publishing a key of its own would let it mint tokens that resource servers accept.
    const forged = `'forged-kid-1', 'ES256', '{"kty":"EC"}'::jsonb, 'x', 0, 0, false, NULL`;
    for (const sql of [
      `SELECT * FROM security_rotate_signing_key(${forged})`,
      `SELECT security_ensure_signing_key('forged-kid-2', 'EdDSA', '{"kty":"OKP"}'::jsonb, 'x', 0, '{}')`,
    ])
      await expect(attack(sql), sql).rejects.toThrow(DENIED);
    await expect(attack(`SELECT * FROM app_rotate_signing_key(${forged})`)).rejects.toThrow(
      /only an admin/,
    );
    const [unlock] = await attack("SELECT app_unlock('agent', 'victim-agent') AS unlocked");
    expect(unlock?.unlocked).toBeNull();
    expect(await attack("UPDATE agents SET secret_hash = 'h' RETURNING id")).toEqual([]);
  });

  it("cannot read or change the websites and APIs the victim's agent may use", async () => {
    const [api] = await asSuperuser(
      `INSERT INTO resource_servers (api_id, secret_hash, identifier, name, owner_id)
       VALUES ('api_victim', $1, 'https://victim.example/api', 'Victim API', $2) RETURNING id`,
      [HASH, victimId],
    );
    const [agent] = await asSuperuser(
      `INSERT INTO agent_allowed_apis (agent_ref, api_ref)
       SELECT id, $1 FROM agents WHERE agent_id = 'victim-agent' RETURNING agent_ref AS id`,
      [api?.id],
    );
    for (const table of ['agent_allowed_apis', 'agent_allowed_clients']) {
      await expect(attack(`SELECT * FROM ${table}`), table).rejects.toThrow(DENIED);
      await expect(attack(`DELETE FROM ${table}`), table).rejects.toThrow(DENIED);
    }
    await expect(
      attack('INSERT INTO agent_allowed_apis (agent_ref, api_ref) VALUES ($1, $2)', [
        agent?.id,
        api?.id,
      ]),
    ).rejects.toThrow(DENIED);
    for (const [setting, value] of FORGED) {
      const sql = `SELECT (SELECT count(*)::int FROM app_agent_apis('${agent?.id}')) AS seen,
                          app_set_agent_apis('${agent?.id}', '{}') AS unknown`;
      expect(await attackAs(setting, value, sql), `${setting}=${value}`).toEqual([
        { seen: 0, unknown: null },
      ]);
    }
    const [left] = await asSuperuser('SELECT count(*)::int AS n FROM agent_allowed_apis');
    expect(left?.n).toBe(1);
  });

  it("cannot read, redirect or forge an owner's first sign-in notifications", async () => {
    const settings =
      'SELECT notify_mail, webhook_url, webhook_secret FROM agent_sign_in_notifications';
    const before = await asSuperuser(settings);
    for (const [setting, value] of FORGED) {
      const seen = await attackAs(
        setting,
        value,
        'SELECT agent_ref, owner_id, webhook_url FROM agent_sign_in_notifications',
      );
      expect(seen, `${setting}=${value}`).toEqual([]);
      const redirected = await attackAs(
        setting,
        value,
        `SELECT * FROM app_set_sign_in_notifications('${victimAgentRef}', false,
           'https://evil.example/hook', '${'x'.repeat(43)}', true)`,
      );
      expect(redirected, `${setting}=${value}`).toEqual([]);
    }
    for (const sql of [
      'SELECT webhook_secret FROM agent_sign_in_notifications',
      'SELECT * FROM agent_sign_in_notifications',
      "UPDATE agent_sign_in_notifications SET webhook_url = 'https://evil.example/hook'",
      'DELETE FROM agent_sign_in_notifications',
      `INSERT INTO agent_sign_in_notifications (agent_ref, owner_id, notify_mail)
       VALUES ('${victimAgentRef}', '${victimId}', true)`,
      'SELECT * FROM agent_first_sign_ins',
      'DELETE FROM agent_first_sign_ins',
      // Marking a pair as seen would silence the owner's next first sign-in.
      `SELECT sign_in_first_seen('${victimAgentRef}', '${victimClientRef}', '{}')`,
    ])
      await expect(attack(sql), sql).rejects.toThrow(DENIED);
    expect(await asSuperuser(settings)).toEqual(before);
  });

  it('with the victim session id (a stolen cookie) sees the victim only, never more', async () => {
    const rows = await attack(
      `SELECT set_config('app.session', $1, true), (SELECT count(*)::int FROM users) AS users,
              app_is_admin() AS admin`,
      [victimSession],
    );
    expect(rows[0]).toMatchObject({ users: 1, admin: false });
  });
});
