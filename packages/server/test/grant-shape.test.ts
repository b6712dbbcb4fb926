import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';
import { asSuperuser } from './support/database.js';
import type { AgentFixture, ClientFixture } from './support/harness.js';

// A grant is either an agent's (agent, its owner, code and model all set) or a client's own
// (none of them): grants_agent_or_client_own, a trigger since 027 (triggers.sql), a CHECK
// before. Even the schema owner, who bypasses every policy, cannot store another shape.

let h: SecurityHarness;
let client: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  h = await securityHarness();
  const owner = await h.createUser();
  client = await h.createClient(owner.email);
  agent = await h.createAgent(owner.email);
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

const sql = <Row>(text: string, params: unknown[] = []) =>
  asSuperuser<Row>(h.db.driver, text, params);
// The trigger's message, or the CHECK's (before 027): the same refusal.
const SHAPE = /either an agent's .* or a client's own|grants_agent_or_client_own/;

async function agentGrant(code: string | null, model: string | null) {
  return sql<{ id: string }>(
    `INSERT INTO grants (agent_ref, client_ref, agent_owner_id, client_owner_id, code_hash,
                         scope, model, expires_at)
     SELECT a.id, c.id, a.owner_id, c.owner_id, $3, 'openid', $4, now() + interval '1 hour'
     FROM agents a, clients c WHERE a.agent_id = $1 AND c.client_id = $2 RETURNING id`,
    [agent.agent_id, client.client_id, code, model],
  );
}

async function clientGrant(model: string | null) {
  return sql<{ id: string }>(
    `INSERT INTO grants (client_ref, client_owner_id, scope, model, expires_at)
     SELECT c.id, c.owner_id, 'api', $2, now() + interval '1 hour'
     FROM clients c WHERE c.client_id = $1 RETURNING id`,
    [client.client_id, model],
  );
}

describe("a grant's shape", () => {
  it('is an agent grant with all four set, or a client grant with none', async () => {
    expect(await agentGrant(`code-${Date.now()}`, 'model')).toHaveLength(1);
    expect(await clientGrant(null)).toHaveLength(1);
    await expect(agentGrant(`code-${Date.now()}-2`, null)).rejects.toThrow(SHAPE);
    await expect(agentGrant(null, 'model')).rejects.toThrow(SHAPE);
    await expect(clientGrant('model')).rejects.toThrow(SHAPE);
  });

  it('cannot be broken by an update, while recording a use still works', async () => {
    const [grant] = await agentGrant(`code-${Date.now()}-3`, 'model');
    await expect(sql('UPDATE grants SET model = NULL WHERE id = $1', [grant?.id])).rejects.toThrow(
      SHAPE,
    );
    await expect(
      sql('UPDATE grants SET agent_ref = NULL, agent_owner_id = NULL WHERE id = $1', [grant?.id]),
    ).rejects.toThrow(SHAPE);
    const used = await sql<{ id: string }>(
      'UPDATE grants SET last_used_at = now() WHERE id = $1 RETURNING id',
      [grant?.id],
    );
    expect(used).toHaveLength(1);
  });
});
