import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privileged } from './support/console.js';
import type { Harness } from './support/harness.js';
import { asUserRolledBack, createRlsWorld } from './support/rls-owners.js';

// What user A's database context cannot forge: B's ownership, verified emails, its own role, a
// restored grant, or the APIs B's agent may use (rls-owner-tables.test.ts: rows of each table).
let h: Harness;
let a: string;
let b: string;

beforeAll(async () => {
  ({ h, a, b } = await createRlsWorld());
});
afterAll(() => h.dispose());

describe("in user A's database context, nothing of user B's is visible or changeable", () => {
  it('cannot move a row to B, forge email_verified, raise its own role or restore a revoked grant', async () => {
    await expect(
      asUserRolledBack(h, a, (tx) =>
        tx.query(
          "INSERT INTO agents (agent_id, secret_hash, owner_id, user_email) VALUES ('forged-agent', 'x', $1, 'f@x.io')",
          [b],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asUserRolledBack(h, a, (tx) => tx.query('UPDATE agents SET owner_id = $1', [b])),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asUserRolledBack(h, a, (tx) => tx.query('UPDATE agents SET email_verified = true')),
    ).rejects.toThrow(/permission denied/);
    const derived = await asUserRolledBack(h, a, (tx) =>
      tx.query<{ email_verified: boolean }>(
        "UPDATE agents SET user_email = 'claimed@victim.example' RETURNING email_verified",
      ),
    );
    expect(derived.length).toBeGreaterThan(0);
    expect(derived.every((r) => r.email_verified === false)).toBe(true);
    await expect(
      asUserRolledBack(h, a, (tx) =>
        tx.query('INSERT INTO verified_emails (user_id, email_lower) VALUES ($1, $2)', [
          a,
          'victim@example.com',
        ]),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asUserRolledBack(h, a, (tx) =>
        tx.query("UPDATE users SET role = 'admin' WHERE id = $1", [a]),
      ),
    ).rejects.toThrow(/permission denied/); // roles change only through app_admin_set_role
    await expect(
      asUserRolledBack(h, a, (tx) => tx.query('UPDATE users SET email_verified_at = now()')),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asUserRolledBack(h, a, async (tx) => {
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
      asUserRolledBack(h, a, (tx) =>
        tx.query('INSERT INTO agent_allowed_apis (agent_ref, api_ref) VALUES ($1, $2)', [
          bAgent?.id,
          aApi?.id,
        ]),
      ),
    ).rejects.toThrow(/permission denied/);
    const through = await asUserRolledBack(h, a, async (tx) => ({
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
});
