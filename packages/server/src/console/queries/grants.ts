import type { SqlExecutor } from '../../storage/driver.js';

export interface ActiveGrant {
  id: string;
  client_id: string;
  client_name: string;
  scope: string;
  model: string;
  created_at: Date;
  last_used_at: Date;
}

/** Websites the agent is signed in to (app_agent_grants checks the caller may see the agent). */
export function activeGrantsOfAgent(tx: SqlExecutor, agentRef: string): Promise<ActiveGrant[]> {
  return tx.query<ActiveGrant>('SELECT * FROM app_agent_grants($1)', [agentRef]);
}

/** Revoking a grant ends its refresh-token family and every access token issued from it. */
export async function revokeGrant(
  tx: SqlExecutor,
  agentRef: string,
  grantId: string,
): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE grants SET revoked_at = now(), revoke_reason = 'revoked_in_console'
     WHERE id = $1 AND agent_ref = $2 AND revoked_at IS NULL RETURNING id`,
    [grantId, agentRef],
  );
  return rows.length === 1;
}

export async function revokeAgentGrants(tx: SqlExecutor, agentRef: string): Promise<number> {
  const rows = await tx.query(
    `UPDATE grants SET revoked_at = now(), revoke_reason = 'revoked_in_console'
     WHERE agent_ref = $1 AND revoked_at IS NULL RETURNING id`,
    [agentRef],
  );
  return rows.length;
}

/** Every live grant the RLS context can see: all of them for an admin. */
export async function revokeEveryGrant(tx: SqlExecutor): Promise<number> {
  const rows = await tx.query(
    `UPDATE grants SET revoked_at = now(), revoke_reason = 'revoked_by_admin'
     WHERE revoked_at IS NULL RETURNING id`,
  );
  return rows.length;
}

export interface SignedInAgent {
  agent_ref: string;
  agent_id: string;
  user_name: string | null;
  grants: number;
  models: string;
  first_signed_in: Date;
  last_used_at: Date;
}

/** The agents signed in to a website (app_client_agents checks the caller may see it). */
export function agentsSignedInTo(tx: SqlExecutor, clientRef: string): Promise<SignedInAgent[]> {
  return tx.query<SignedInAgent>('SELECT * FROM app_client_agents($1)', [clientRef]);
}

/** Ends every sign-in of one agent at one website (the website owner's grants, under RLS). */
export async function revokeAgentAtClient(
  tx: SqlExecutor,
  clientRef: string,
  agentRef: string,
): Promise<number> {
  const rows = await tx.query(
    `UPDATE grants SET revoked_at = now(), revoke_reason = 'revoked_in_console'
     WHERE client_ref = $1 AND agent_ref = $2 AND revoked_at IS NULL RETURNING id`,
    [clientRef, agentRef],
  );
  return rows.length;
}
