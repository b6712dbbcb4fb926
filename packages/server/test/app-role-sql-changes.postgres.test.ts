import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttackWorld, createAttackWorld, DENIED, HASH } from './support/app-role-attack.js';

// SQL as the application login role cannot change, replace, unlock, revoke or redirect what
// is another owner's (support/app-role-attack.ts; app-role-sql-identity.postgres.test.ts).
let w: AttackWorld;

beforeAll(async () => {
  w = await createAttackWorld();
}, 60_000);
afterAll(() => w?.dispose());

describe('arbitrary SQL as the application login role', () => {
  it('cannot change or delete other owners rows, whatever identity it claims', async () => {
    for (const [setting, value] of w.forged) {
      for (const sql of [
        "UPDATE agents SET label = 'pwned' RETURNING id",
        "UPDATE clients SET redirect_uris = ARRAY['https://evil.example/cb'] RETURNING id",
        'UPDATE users SET disabled_at = now() RETURNING id',
        'DELETE FROM clients RETURNING id',
        'DELETE FROM agents RETURNING id',
      ]) {
        expect(await w.attackAs(setting, value, sql), `${setting}=${value}: ${sql}`).toEqual([]);
      }
      // Roles and accounts change only through app_admin_set_role / app_admin_delete_user.
      for (const sql of ["UPDATE users SET role = 'admin' RETURNING id", 'DELETE FROM users'])
        await expect(w.attackAs(setting, value, sql), sql).rejects.toThrow(DENIED);
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
      await expect(w.attack(sql), sql).rejects.toThrow(DENIED);
    // Publishing a key of its own would let it mint tokens that resource servers accept.
    const forged = `'forged-kid-1', 'ES256', '{"kty":"EC"}'::jsonb, 'x', 0, 0, false, NULL`;
    for (const sql of [
      `SELECT * FROM security_rotate_signing_key(${forged})`,
      `SELECT security_ensure_signing_key('forged-kid-2', 'EdDSA', '{"kty":"OKP"}'::jsonb, 'x', 0, '{}')`,
    ])
      await expect(w.attack(sql), sql).rejects.toThrow(DENIED);
    await expect(w.attack(`SELECT * FROM app_rotate_signing_key(${forged})`)).rejects.toThrow(
      /only an admin/,
    );
    const [unlock] = await w.attack("SELECT app_unlock('agent', 'victim-agent') AS unlocked");
    expect(unlock?.unlocked).toBeNull();
    expect(await w.attack("UPDATE agents SET secret_hash = 'h' RETURNING id")).toEqual([]);
  });

  it("cannot read or change the websites and APIs the victim's agent may use", async () => {
    const [api] = await w.asSuperuser(
      `INSERT INTO resource_servers (api_id, secret_hash, identifier, name, owner_id)
       VALUES ('api_victim', $1, 'https://victim.example/api', 'Victim API', $2) RETURNING id`,
      [HASH, w.victimId],
    );
    const [agent] = await w.asSuperuser(
      `INSERT INTO agent_allowed_apis (agent_ref, api_ref)
       SELECT id, $1 FROM agents WHERE agent_id = 'victim-agent' RETURNING agent_ref AS id`,
      [api?.id],
    );
    for (const table of ['agent_allowed_apis', 'agent_allowed_clients']) {
      await expect(w.attack(`SELECT * FROM ${table}`), table).rejects.toThrow(DENIED);
      await expect(w.attack(`DELETE FROM ${table}`), table).rejects.toThrow(DENIED);
    }
    await expect(
      w.attack('INSERT INTO agent_allowed_apis (agent_ref, api_ref) VALUES ($1, $2)', [
        agent?.id,
        api?.id,
      ]),
    ).rejects.toThrow(DENIED);
    for (const [setting, value] of w.forged) {
      const sql = `SELECT (SELECT count(*)::int FROM app_agent_apis('${agent?.id}')) AS seen,
                          app_set_agent_apis('${agent?.id}', '{}') AS unknown`;
      expect(await w.attackAs(setting, value, sql), `${setting}=${value}`).toEqual([
        { seen: 0, unknown: null },
      ]);
    }
    const [left] = await w.asSuperuser('SELECT count(*)::int AS n FROM agent_allowed_apis');
    expect(left?.n).toBe(1);
  });

  it("cannot read, redirect or forge an owner's first sign-in notifications", async () => {
    const settings =
      'SELECT notify_mail, webhook_url, webhook_secret FROM agent_sign_in_notifications';
    const before = await w.asSuperuser(settings);
    for (const [setting, value] of w.forged) {
      const seen = await w.attackAs(
        setting,
        value,
        'SELECT agent_ref, owner_id, webhook_url FROM agent_sign_in_notifications',
      );
      expect(seen, `${setting}=${value}`).toEqual([]);
      const redirected = await w.attackAs(
        setting,
        value,
        `SELECT * FROM app_set_sign_in_notifications('${w.victimAgentRef}', false,
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
       VALUES ('${w.victimAgentRef}', '${w.victimId}', true)`,
      'SELECT * FROM agent_first_sign_ins',
      'DELETE FROM agent_first_sign_ins',
      // Marking a pair as seen would silence the owner's next first sign-in.
      `SELECT sign_in_first_seen('${w.victimAgentRef}', '${w.victimClientRef}', '{}')`,
    ])
      await expect(w.attack(sql), sql).rejects.toThrow(DENIED);
    expect(await w.asSuperuser(settings)).toEqual(before);
  });
});
