import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privileged } from './support/console.js';
import type { Harness } from './support/harness.js';
import {
  asUserRolledBack,
  countOwnedBy,
  createRlsWorld,
  HIDDEN_TABLES,
  OWNER_TABLES,
} from './support/rls-owners.js';

// What user A's database context reads and changes of each table: only A's own rows
// (rls-owner-forgery.test.ts: what it cannot forge).
let h: Harness;
let a: string;
let b: string;
let adminId: string;

beforeAll(async () => {
  ({ h, a, b, adminId } = await createRlsWorld());
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
      const bRows = await countOwnedBy(h, table, owner, b);
      expect(bRows, `B must own ${table} rows for this test to mean anything`).toBeGreaterThan(0);
      expect(await countOwnedBy(h, table, owner, a)).toBeGreaterThan(0);

      const seen = await asUserRolledBack(h, a, (tx) =>
        tx.query<{ o: string }>(`SELECT ${owner} AS o FROM ${table}`),
      );
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((r) => r.o === a)).toBe(true);

      if (update) {
        const updated = await asUserRolledBack(h, a, (tx) =>
          tx.query<{ o: string }>(`UPDATE ${table} SET ${update} RETURNING ${owner} AS o`),
        );
        expect(updated.every((r) => r.o === a)).toBe(true);
        expect(updated.length).toBeGreaterThan(0);
      } else {
        await expect(
          asUserRolledBack(h, a, (tx) => tx.query(`UPDATE ${table} SET ${owner} = ${owner}`)),
        ).rejects.toThrow(/permission denied/);
      }

      const deleted = await asUserRolledBack(h, a, (tx) =>
        tx.query<{ o: string }>(`DELETE FROM ${table} RETURNING ${owner} AS o`),
      ).catch((error: Error) => {
        expect(error.message).toMatch(/permission denied/); // grants: the console only revokes
        return [];
      });
      expect(deleted.every((r) => r.o === a)).toBe(true);
      expect(await countOwnedBy(h, table, owner, b)).toBe(bRows);
    });
  }

  it('sees no rows at all of the tables behind SECURITY DEFINER functions', async () => {
    for (const table of HIDDEN_TABLES) {
      const [stored] = await privileged<{ n: number }>(
        h,
        `SELECT count(*)::int AS n FROM ${table}`,
      );
      if (table !== 'setup_tokens') expect(stored?.n, table).toBeGreaterThan(0);
      const seen = await asUserRolledBack(h, a, (tx) => tx.query(`SELECT * FROM ${table}`)).catch(
        (error: Error) => {
          expect(error.message).toMatch(/permission denied/);
          return [];
        },
      );
      expect(seen, table).toEqual([]);
    }
  });

  it("lets an admin see every owner's rows through the policy itself", async () => {
    for (const [table, { owner }] of Object.entries(OWNER_TABLES)) {
      if (table === 'email_verifications') continue; // private to the owner, even from admins
      const seen = await asUserRolledBack(h, adminId, (tx) =>
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
