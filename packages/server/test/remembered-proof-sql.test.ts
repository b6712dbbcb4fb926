import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';
import { asSuperuser } from './support/database.js';
import type { ClientFixture } from './support/harness.js';

// auth_remembered (migrations/functions/02-principals.sql) answers the common case of
// auth_verify in one inlined query, and every operation asks it first. It must answer 'ok'
// only where auth_verify would answer 'ok' and change nothing, and it must stay inlinable:
// called as a plpgsql function it would cost what it saves (bench/ANALYSIS.md, "Fifth round").

let h: SecurityHarness;
let owner: { id: string; email: string };
const SOURCE = 'ip:192.0.2.7';

beforeAll(async () => {
  h = await securityHarness({ LOCKOUT_MAX_FAILURES: '3', LOCKOUT_DURATION: '60' });
  owner = await h.createUser();
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

const sql = <Row>(text: string, params: unknown[] = []) =>
  asSuperuser<Row>(h.db.driver, text, params);

/** The proof the server remembers for a client: the derived value its stored hash ends with. */
async function rememberedProof(client: ClientFixture): Promise<string> {
  const [row] = await sql<{ proof: string }>(
    `SELECT split_part(secret_hash, '$', 4) AS proof FROM clients WHERE client_id = $1`,
    [client.client_id],
  );
  return row?.proof ?? '';
}

async function shortcut(client: ClientFixture, proof: string | null, fresh = false) {
  const rows = await sql<{ outcome: string }>(
    `SELECT outcome FROM auth_remembered('client', $1, $2, $3)`,
    [client.client_id, proof, fresh],
  );
  return rows.map((r) => r.outcome);
}

async function fullCheck(client: ClientFixture, proof: string | null) {
  const [row] = await sql<{ outcome: string }>(
    `SELECT outcome FROM auth_verify('client', $1, $2, false, $3,
       (SELECT ARRAY[3, 900, 60, 3600, 100, 2592000]))`,
    [client.client_id, proof, SOURCE],
  );
  return row?.outcome;
}

describe('the remembered-proof shortcut', () => {
  it('answers ok exactly where the full check answers ok', async () => {
    const client = await h.createClient(owner.email);
    const proof = await rememberedProof(client);
    expect(await shortcut(client, proof)).toEqual(['ok']);
    expect(await fullCheck(client, proof)).toBe('ok');

    // A wrong or missing proof, or a fresh one (which must go on to record its success).
    expect(await shortcut(client, `${proof.slice(1)}A`)).toEqual([]);
    expect(await fullCheck(client, `${proof.slice(1)}A`)).toBe('principal_retry');
    expect(await shortcut(client, null)).toEqual([]);
    expect(await fullCheck(client, null)).toBe('principal_invalid');
    expect(await shortcut(client, proof, true)).toEqual([]);

    // A failure counted from this source: the full check must see it, and forgets it.
    await sql(
      `INSERT INTO lockouts (subject_type, subject_key, source_key, failures)
       VALUES ('client', auth_subject_key('client', $1), auth_source_key($2), 1)`,
      [client.client_id, SOURCE],
    );
    expect(await shortcut(client, proof)).toEqual([]);
    expect(await fullCheck(client, proof)).toBe('ok');
    expect(await shortcut(client, proof)).toEqual(['ok']);

    await sql('UPDATE users SET disabled_at = now() WHERE id = $1', [owner.id]);
    expect(await shortcut(client, proof)).toEqual([]);
    expect(await fullCheck(client, proof)).toBe('principal_disabled');
    await sql('UPDATE users SET disabled_at = NULL WHERE id = $1', [owner.id]);
  });

  it('is inlined into its caller, planned over its own kind of principal only', async () => {
    for (const [kind, table] of [
      ['client', 'clients'],
      ['agent', 'agents'],
      ['api', 'resource_servers'],
    ] as const) {
      const plan = (
        await sql<Record<string, string>>(
          `EXPLAIN SELECT * FROM auth_remembered('${kind}', 'some-id', 'some-proof', false)`,
        )
      )
        .map((row) => Object.values(row)[0])
        .join('\n');
      expect(plan).toContain(` on ${table} `);
      expect(plan).not.toContain('Function Scan');
      for (const other of ['clients', 'agents', 'resource_servers'].filter((t) => t !== table))
        expect(plan).not.toContain(` on ${other} `);
    }
  });

  it('and so are the checks most requests have nothing to do for (DPoP, resource scope)', async () => {
    for (const call of [
      'oauth_dpop_proof_fresh(NULL::text, now())',
      "oauth_scope_for_resource('openid email', '{}', NULL::text)",
      "oauth_audience_to_check('{}', NULL::text)",
      "oauth_resources_named('{}', '{}')",
    ]) {
      const plan = (await sql<Record<string, string>>(`EXPLAIN VERBOSE SELECT ${call}`))
        .map((row) => Object.values(row)[0])
        .join('\n');
      expect(plan).toContain('Output:');
      expect(plan).not.toContain(call.slice(0, call.indexOf('(')));
    }
  });
});

describe('the client check of an authorization request', () => {
  it('is inlined into its callers, and answers one row whatever the client', async () => {
    const plan = (
      await sql<Record<string, string>>(
        `EXPLAIN SELECT * FROM oauth_authorize_client('some-client', 'https://x.example/cb')`,
      )
    )
      .map((row) => Object.values(row)[0])
      .join('\n');
    expect(plan).toContain(' on clients ');
    expect(plan).not.toContain('Function Scan');
    const client = await h.createClient(owner.email);
    const check = async (clientId: string, redirectUri: string) =>
      sql<{ ref: string | null; outcome: string; client_name: string | null }>(
        'SELECT ref, outcome, client_name FROM oauth_authorize_client($1, $2)',
        [clientId, redirectUri],
      );
    const [known] = await check(client.client_id, client.redirect_uris[0] ?? '');
    expect(known).toMatchObject({ outcome: 'ok', client_name: 'Example Website' });
    expect(known?.ref).toMatch(/^[0-9a-f-]{36}$/);
    expect(await check(client.client_id, 'https://elsewhere.example/cb')).toEqual([
      { ref: null, outcome: 'redirect_mismatch', client_name: 'Example Website' },
    ]);
    expect(await check('no-such-client', 'https://elsewhere.example/cb')).toEqual([
      { ref: null, outcome: 'unknown_client', client_name: null },
    ]);
  });
});

describe('the agent a token request reads', () => {
  it('is one inlined query (oauth_agent_of), with no row for no agent', async () => {
    const plan = (
      await sql<Record<string, string>>(
        `EXPLAIN SELECT * FROM oauth_agent_of('00000000-0000-0000-0000-000000000000')`,
      )
    )
      .map((row) => Object.values(row)[0])
      .join('\n');
    expect(plan).toContain(' on agents ');
    expect(plan).not.toContain('Function Scan');
    expect(
      await sql('SELECT * FROM oauth_agent_of($1)', ['00000000-0000-0000-0000-000000000000']),
    ).toEqual([]);
  });
});

describe('the comparison of a proof with the stored hash', () => {
  it('accepts the exact proof and nothing else', async () => {
    const client = await h.createClient(owner.email);
    const proof = await rememberedProof(client);
    const matches = async (candidate: string | null) => {
      const [row] = await sql<{ ok: boolean }>(
        `SELECT auth_proof_matches(secret_hash, $2) AS ok FROM clients WHERE client_id = $1`,
        [client.client_id, candidate],
      );
      return row?.ok;
    };
    const flip = (at: number) =>
      `${proof.slice(0, at)}${proof[at] === 'A' ? 'B' : 'A'}${proof.slice(at + 1)}`;
    expect(proof.length).toBeGreaterThan(40);
    expect(await matches(proof)).toBe(true);
    for (const wrong of [
      flip(0),
      flip(proof.length >> 1),
      flip(proof.length - 1),
      proof.slice(0, -1),
      `${proof}A`,
      '',
      null,
    ])
      expect(await matches(wrong)).toBe(false);
    const [publicClient] = await sql<{ ok: boolean }>(`SELECT auth_proof_matches(NULL, $1) AS ok`, [
      proof,
    ]);
    expect(publicClient?.ok).toBe(false);
  });
});
