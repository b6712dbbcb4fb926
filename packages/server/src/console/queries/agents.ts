import type { SqlExecutor } from '../../storage/driver.js';

export interface AgentRow {
  id: string;
  agent_id: string;
  label: string | null;
  user_email: string;
  user_name: string | null;
  email_verified: boolean;
  disabled: boolean;
  owner_id: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, agent_id, label, user_email, user_name, email_verified,
  disabled_at IS NOT NULL AS disabled, owner_id, created_at, updated_at`;

/** The owner's own agents. RLS already limits rows; the filter keeps an admin's list personal. */
export function listOwnAgents(tx: SqlExecutor, ownerId: string): Promise<AgentRow[]> {
  return tx.query<AgentRow>(
    `SELECT ${COLUMNS} FROM agents WHERE owner_id = $1 ORDER BY created_at DESC`,
    [ownerId],
  );
}

/** Any agent the RLS context may see (its owner's, or every one for an admin). */
export async function findAgent(tx: SqlExecutor, id: string): Promise<AgentRow | undefined> {
  const [row] = await tx.query<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE id = $1`, [id]);
  return row;
}

export async function updateAgentProfile(
  tx: SqlExecutor,
  id: string,
  profile: { label: string | null; userEmail: string; userName: string | null },
): Promise<string | undefined> {
  const [row] = await tx.query<{ agent_id: string }>(
    `UPDATE agents SET label = $2, user_email = $3, user_name = $4, updated_at = now()
     WHERE id = $1 RETURNING agent_id`,
    [id, profile.label, profile.userEmail, profile.userName],
  );
  return row?.agent_id;
}

/** A new hash: the database compares every presented proof with it, so the old secret stops at once. */
export async function replaceAgentSecret(
  tx: SqlExecutor,
  id: string,
  secretHash: string,
): Promise<string | undefined> {
  const [row] = await tx.query<{ agent_id: string }>(
    `UPDATE agents SET secret_hash = $2, updated_at = now()
     WHERE id = $1 RETURNING agent_id`,
    [id, secretHash],
  );
  return row?.agent_id;
}

export async function setAgentDisabled(
  tx: SqlExecutor,
  id: string,
  disabled: boolean,
): Promise<string | undefined> {
  const [row] = await tx.query<{ agent_id: string }>(
    `UPDATE agents SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END, updated_at = now()
     WHERE id = $1 RETURNING agent_id`,
    [id, disabled],
  );
  return row?.agent_id;
}

/** Deleting cascades to its grants, refresh tokens and revocation records (001_core.sql). */
export async function deleteAgent(tx: SqlExecutor, id: string): Promise<string | undefined> {
  const [row] = await tx.query<{ agent_id: string }>(
    'DELETE FROM agents WHERE id = $1 RETURNING agent_id',
    [id],
  );
  return row?.agent_id;
}
