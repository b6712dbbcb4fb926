import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttackWorld, createAttackWorld, DENIED, digest } from './support/app-role-attack.js';

// SQL as the application login role cannot claim an identity, read a hash or become admin
// (support/app-role-attack.ts; app-role-sql-changes.postgres.test.ts: changing others' rows).
let w: AttackWorld;

beforeAll(async () => {
  w = await createAttackWorld();
}, 60_000);
afterAll(() => w?.dispose());

describe('arbitrary SQL as the application login role', () => {
  it('cannot take an identity by setting app.user_id or a forged app.session', async () => {
    for (const [setting, value] of w.forged) {
      const rows = await w.attack(
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
      await expect(w.attack(sql), sql).rejects.toThrow(DENIED);
  });

  it('cannot create an admin or make itself one', async () => {
    await expect(
      w.attack("SELECT app_register_user('evil@example.com', 'h', 'admin')"),
    ).rejects.toThrow(DENIED);
    // Signing up is open to anyone (a plain user) ...
    const mine = randomBytes(32).toString('base64url');
    await w.attacker.query('BEGIN');
    try {
      await w.attacker.query("SELECT app_register_user('evil@example.com', 'h', $1, 3600)", [
        digest(mine),
      ]);
      await w.attacker.query("SELECT set_config('app.session', $1, true)", [mine]);
      // ... but it sees only itself, and no one may change their own role.
      const seen = await w.attacker.query('SELECT email FROM users');
      expect(seen.rows).toEqual([{ email: 'evil@example.com' }]);
      await expect(w.attacker.query("UPDATE users SET role = 'admin'")).rejects.toThrow(DENIED);
    } finally {
      await w.attacker.query('ROLLBACK');
    }
  });

  it('with the victim session id (a stolen cookie) sees the victim only, never more', async () => {
    const rows = await w.attack(
      `SELECT set_config('app.session', $1, true), (SELECT count(*)::int FROM users) AS users,
              app_is_admin() AS admin`,
      [w.victimSession],
    );
    expect(rows[0]).toMatchObject({ users: 1, admin: false });
  });
});
