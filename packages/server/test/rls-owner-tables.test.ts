import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmEmail } from '../src/console/mail/verification.js';
import type { SqlExecutor } from '../src/storage/driver.js';
import { mailedLink, privileged, signUp } from './support/console.js';
import { obtainTokens } from './support/flow.js';
import { createHarness, type Harness } from './support/harness.js';
import { sessionFor } from './support/sessions.js';

/** Every table with owner data, and how a row names its owner(s). */
const OWNER_TABLES: Record<string, { owner: string; update?: string }> = {
  users: { owner: 'id', update: 'disabled_at = disabled_at' },
  agents: { owner: 'owner_id', update: 'label = label' },
  clients: { owner: 'owner_id', update: 'name = name' },
  grants: { owner: 'agent_owner_id', update: 'revoke_reason = revoke_reason' },
  console_sessions: { owner: 'user_id' },
  email_verifications: { owner: 'user_id' },
  verified_emails: { owner: 'user_id' },
  agent_sign_in_notifications: { owner: 'owner_id' },
};
/** Tables the application role must not read at all (reached only via SECURITY DEFINER). */
const HIDDEN_TABLES = [
  'auth_requests',
  'auth_codes',
  'refresh_tokens',
  'revoked_access_tokens',
  'setup_tokens',
  'agent_allowed_clients',
  'agent_allowed_apis',
  'agent_first_sign_ins',
];

let h: Harness;
let a: string;
let b: string;
let adminId: string;

async function userId(email: string): Promise<string> {
  const [row] = await privileged<{ id: string }>(h, 'SELECT id FROM users WHERE email = $1', [
    email,
  ]);
  return row?.id ?? '';
}

async function populate(email: string) {
  await signUp(h, email); // a session and an email verification
  const agent = await h.createAgent(email);
  const client = await h.createClient(email);
  await obtainTokens(h, client, agent); // a grant, refresh token, request, code, first sign-in
  await privileged(
    h,
    `INSERT INTO agent_sign_in_notifications (agent_ref, owner_id, notify_mail, webhook_url,
                                              webhook_secret)
     SELECT id, owner_id, true, 'https://hooks.example.com/' || agent_id, 'sealed-secret'
     FROM agents WHERE agent_id = $1`,
    [agent.agent_id],
  ); // notification settings
  const revoked = await obtainTokens(h, client, agent);
  const revocation = await h.request('/revoke', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token: revoked.access_token }).toString(),
  });
  if (revocation.status !== 200) throw new Error('revocation failed'); // a revoked access token
  if (!(await confirmEmail(h.ctx.db, mailedLink(h, email)))) throw new Error('not verified');
  // The websites and APIs the agent may use (agent_allowed_clients, agent_allowed_apis).
  const api = await h.createApi(email, { identifier: `https://api.example/${email}` });
  await privileged(
    h,
    `INSERT INTO agent_allowed_clients (agent_ref, client_ref)
     SELECT a.id, c.id FROM agents a, clients c WHERE a.agent_id = $1 AND c.client_id = $2`,
    [agent.agent_id, client.client_id],
  );
  await privileged(
    h,
    `INSERT INTO agent_allowed_apis (agent_ref, api_ref)
     SELECT a.id, s.id FROM agents a, resource_servers s WHERE a.agent_id = $1 AND s.api_id = $2`,
    [agent.agent_id, api.api_id],
  );
}

/** Runs one statement as `user` (through a session of theirs), always rolled back. */
async function asUserRolledBack<T>(
  user: string,
  work: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  const rollback = new Error('rollback');
  const session = await sessionFor(h.db.driver, user);
  await h.ctx.db
    .transaction(async (tx) => {
      await tx.query("SELECT set_config('app.session', $1, true)", [session.id]);
      result = await work(tx);
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  return result as T;
}

async function countOwnedBy(table: string, owner: string, user: string): Promise<number> {
  const [row] = await privileged<{ n: number }>(
    h,
    `SELECT count(*)::int AS n FROM ${table} WHERE ${owner} = $1`,
    [user],
  );
  return row?.n ?? -1;
}

beforeAll(async () => {
  h = await createHarness();
  await populate('rls-a@example.com');
  await populate('rls-b@example.com');
  a = await userId('rls-a@example.com');
  b = await userId('rls-b@example.com');
  adminId = (await h.createUser('rls-admin@example.com')).id;
  await privileged(h, "UPDATE users SET role = 'admin' WHERE id = $1", [adminId]);
});
afterAll(() => h.dispose());

describe("in user A's database context, nothing of user B's is visible or changeable", () => {
  it('has RLS enabled and forced on every table of the schema', async () => {
    const rows = await privileged<{ relname: string; rls: boolean; forced: boolean }>(
      h,
      `SELECT c.relname, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows) expect(row, row.relname).toMatchObject({ rls: true, forced: true });
  });

  for (const [table, { owner, update }] of Object.entries(OWNER_TABLES)) {
    it(`${table}: unfiltered SELECT, UPDATE and DELETE touch none of B's rows`, async () => {
      const bRows = await countOwnedBy(table, owner, b);
      expect(bRows, `B must own ${table} rows for this test to mean anything`).toBeGreaterThan(0);
      expect(await countOwnedBy(table, owner, a)).toBeGreaterThan(0);

      const seen = await asUserRolledBack(a, (tx) =>
        tx.query<{ o: string }>(`SELECT ${owner} AS o FROM ${table}`),
      );
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((r) => r.o === a)).toBe(true);

      if (update) {
        const updated = await asUserRolledBack(a, (tx) =>
          tx.query<{ o: string }>(`UPDATE ${table} SET ${update} RETURNING ${owner} AS o`),
        );
        expect(updated.every((r) => r.o === a)).toBe(true);
        expect(updated.length).toBeGreaterThan(0);
      } else {
        await expect(
          asUserRolledBack(a, (tx) => tx.query(`UPDATE ${table} SET ${owner} = ${owner}`)),
        ).rejects.toThrow(/permission denied/);
      }

      const deleted = await asUserRolledBack(a, (tx) =>
        tx.query<{ o: string }>(`DELETE FROM ${table} RETURNING ${owner} AS o`),
      ).catch((error: Error) => {
        expect(error.message).toMatch(/permission denied/); // grants: the console only revokes
        return [];
      });
      expect(deleted.every((r) => r.o === a)).toBe(true);
      expect(await countOwnedBy(table, owner, b)).toBe(bRows);
    });
  }

  it('sees no rows at all of the tables behind SECURITY DEFINER functions', async () => {
    for (const table of HIDDEN_TABLES) {
      const [stored] = await privileged<{ n: number }>(
        h,
        `SELECT count(*)::int AS n FROM ${table}`,
      );
      if (table !== 'setup_tokens') expect(stored?.n, table).toBeGreaterThan(0);
      const seen = await asUserRolledBack(a, (tx) => tx.query(`SELECT * FROM ${table}`)).catch(
        (error: Error) => {
          expect(error.message).toMatch(/permission denied/);
          return [];
        },
      );
      expect(seen, table).toEqual([]);
    }
  });

  it('cannot move a row to B, forge email_verified, raise its own role or restore a revoked grant', async () => {
    await expect(
      asUserRolledBack(a, (tx) =>
        tx.query(
          "INSERT INTO agents (agent_id, secret_hash, owner_id, user_email) VALUES ('forged-agent', 'x', $1, 'f@x.io')",
          [b],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asUserRolledBack(a, (tx) => tx.query('UPDATE agents SET owner_id = $1', [b])),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asUserRolledBack(a, (tx) => tx.query('UPDATE agents SET email_verified = true')),
    ).rejects.toThrow(/permission denied/);
    const derived = await asUserRolledBack(a, (tx) =>
      tx.query<{ email_verified: boolean }>(
        "UPDATE agents SET user_email = 'claimed@victim.example' RETURNING email_verified",
      ),
    );
    expect(derived.length).toBeGreaterThan(0);
    expect(derived.every((r) => r.email_verified === false)).toBe(true);
    await expect(
      asUserRolledBack(a, (tx) =>
        tx.query('INSERT INTO verified_emails (user_id, email_lower) VALUES ($1, $2)', [
          a,
          'victim@example.com',
        ]),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asUserRolledBack(a, (tx) => tx.query("UPDATE users SET role = 'admin' WHERE id = $1", [a])),
    ).rejects.toThrow(/permission denied/); // roles change only through app_admin_set_role
    await expect(
      asUserRolledBack(a, (tx) => tx.query('UPDATE users SET email_verified_at = now()')),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asUserRolledBack(a, async (tx) => {
        const revoked = await tx.query(
          "UPDATE grants SET revoked_at = now(), revoke_reason = 'test' WHERE revoked_at IS NULL RETURNING id",
        );
        expect(revoked.length).toBeGreaterThan(0);
        return tx.query('UPDATE grants SET revoked_at = NULL');
      }),
    ).rejects.toThrow(/cannot be restored/);
  });

  it("cannot read, add to or replace the APIs B's agent may use", async () => {
    const [bAgent] = await privileged<{ id: string }>(
      h,
      'SELECT id FROM agents WHERE owner_id = $1 LIMIT 1',
      [b],
    );
    const [aApi] = await privileged<{ id: string; api_id: string }>(
      h,
      'SELECT id, api_id FROM resource_servers WHERE owner_id = $1',
      [a],
    );
    const [bApi] = await privileged<{ api_id: string }>(
      h,
      'SELECT api_id FROM resource_servers WHERE owner_id = $1',
      [b],
    );
    const [aAgent] = await privileged<{ id: string }>(
      h,
      'SELECT id FROM agents WHERE owner_id = $1 LIMIT 1',
      [a],
    );
    await expect(
      asUserRolledBack(a, (tx) =>
        tx.query('INSERT INTO agent_allowed_apis (agent_ref, api_ref) VALUES ($1, $2)', [
          bAgent?.id,
          aApi?.id,
        ]),
      ),
    ).rejects.toThrow(/permission denied/);
    const through = await asUserRolledBack(a, async (tx) => ({
      read: await tx.query('SELECT * FROM app_agent_apis($1)', [bAgent?.id]),
      set: await tx.query('SELECT app_set_agent_apis($1, $2) AS unknown', [
        bAgent?.id,
        [aApi?.api_id],
      ]),
      foreign: await tx.query('SELECT app_set_agent_apis($1, $2) AS unknown', [
        aAgent?.id,
        [bApi?.api_id],
      ]),
    }));
    expect(through.read).toEqual([]);
    expect(through.set).toEqual([{ unknown: null }]);
    expect(through.foreign).toEqual([{ unknown: [bApi?.api_id] }]);
    const [stored] = await privileged<{ n: number }>(
      h,
      'SELECT count(*)::int AS n FROM agent_allowed_apis WHERE agent_ref = ANY ($1)',
      [[bAgent?.id, aAgent?.id]],
    );
    expect(stored?.n).toBe(2); // the rows populate() wrote, and nothing else
  });

  it("lets an admin see every owner's rows through the policy itself", async () => {
    for (const [table, { owner }] of Object.entries(OWNER_TABLES)) {
      if (table === 'email_verifications') continue; // private to the owner, even from admins
      const seen = await asUserRolledBack(adminId, (tx) =>
        tx.query<{ o: string }>(`SELECT ${owner} AS o FROM ${table}`),
      );
      expect(
        seen.some((r) => r.o === a),
        table,
      ).toBe(true);
      expect(
        seen.some((r) => r.o === b),
        table,
      ).toBe(true);
    }
  });

  it('sees nothing at all without a user context', async () => {
    for (const table of Object.keys(OWNER_TABLES)) {
      const { owner } = OWNER_TABLES[table] ?? { owner: 'id' };
      expect(await h.ctx.db.query(`SELECT ${owner} FROM ${table}`), table).toEqual([]);
    }
  });
});
