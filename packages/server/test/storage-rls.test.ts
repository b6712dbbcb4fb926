import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAgent, registerUser } from '../src/storage/owner-store.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { asUser } from './support/sessions.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.dispose());

describe('database role and row-level security', () => {
  it('runs as a role that is neither superuser nor BYPASSRLS', async () => {
    const [row] = await db.driver.query<{
      rolsuper: boolean;
      rolbypassrls: boolean;
      current_user: string;
    }>('SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user');
    expect(row).toEqual({ current_user: 'auth_agent_app', rolsuper: false, rolbypassrls: false });
  });

  it('shows an owner only their own agents, with no filter in the query', async () => {
    const alice = await db.driver.privileged((tx) =>
      registerUser(tx, 'alice@example.com', 'x', 'user'),
    );
    const bob = await db.driver.privileged((tx) =>
      registerUser(tx, 'bob@example.com', 'x', 'user'),
    );
    await asUser(db.driver, alice, (tx) =>
      insertAgent(tx, alice, {
        agentId: 'agent-alice',
        secretHash: 'h',
        userEmail: 'a@x.io',
        userName: null,
      }),
    );
    await asUser(db.driver, bob, (tx) =>
      insertAgent(tx, bob, {
        agentId: 'agent-bob',
        secretHash: 'h',
        userEmail: 'b@x.io',
        userName: null,
      }),
    );
    const seen = await asUser(db.driver, alice, (tx) =>
      tx.query<{ agent_id: string }>('SELECT agent_id FROM agents'),
    );
    expect(seen.map((r) => r.agent_id)).toEqual(['agent-alice']);
    await expect(
      asUser(db.driver, alice, (tx) =>
        insertAgent(tx, bob, {
          agentId: 'agent-forged',
          secretHash: 'h',
          userEmail: 'f@x.io',
          userName: null,
        }),
      ),
    ).rejects.toThrow(/row-level security/);
    const outside = await db.driver.query('SELECT agent_id FROM agents');
    expect(outside).toEqual([]);
  });
});
