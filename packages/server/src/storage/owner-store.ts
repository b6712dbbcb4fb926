import type { SqlDriver, SqlExecutor } from './driver.js';

export interface UserRecord {
  id: string;
  email: string;
  role: 'user' | 'admin';
  disabled: boolean;
}

export interface NewAgent {
  agentId: string;
  secretHash: string;
  userEmail: string;
  userName: string | null;
  label?: string | null;
}

export interface NewClient {
  clientId: string;
  secretHash: string | null;
  name: string;
  redirectUris: string[];
  /** RFC 7591 grant_types; by default authorization_code and refresh_token. */
  grantTypes?: string[] | undefined;
}

/**
 * Runs `work` in a transaction whose row-level-security context is `userId`: every
 * policy in 001_core.sql then filters to that owner's rows (or all rows for an admin).
 */
export function asUser<T>(
  db: SqlDriver,
  userId: string,
  work: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT set_config('app.user_id', $1, true)", [userId]);
    return work(tx);
  });
}

export async function registerUser(
  db: SqlExecutor,
  email: string,
  passwordHash: string,
  role: 'user' | 'admin',
): Promise<string> {
  const [row] = await db.query<{ id: string }>('SELECT app_register_user($1, $2, $3) AS id', [
    email,
    passwordHash,
    role,
  ]);
  if (!row) throw new Error('user was not created');
  return row.id;
}

export async function findUserByEmail(
  db: SqlExecutor,
  email: string,
): Promise<UserRecord | undefined> {
  const [row] = await db.query<UserRecord>('SELECT * FROM app_user_by_email($1)', [email]);
  return row;
}

/** Inserts under the owner's RLS context; the policy's WITH CHECK rejects any other owner. */
export async function insertAgent(
  tx: SqlExecutor,
  ownerId: string,
  agent: NewAgent,
): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO agents (agent_id, secret_hash, owner_id, user_email, user_name, label)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      agent.agentId,
      agent.secretHash,
      ownerId,
      agent.userEmail,
      agent.userName,
      agent.label ?? null,
    ],
  );
  if (!row) throw new Error('agent was not created');
  return row.id;
}

export async function insertClient(
  tx: SqlExecutor,
  ownerId: string,
  client: NewClient,
): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO clients (client_id, secret_hash, name, redirect_uris, owner_id,
                          token_endpoint_auth_method, grant_types)
     VALUES ($1, $2, $3, $4, $5,
             CASE WHEN $2::text IS NULL THEN 'none' ELSE 'client_secret_basic' END,
             coalesce($6::text[], '{authorization_code,refresh_token}'))
     RETURNING id`,
    [
      client.clientId,
      client.secretHash,
      client.name,
      client.redirectUris,
      ownerId,
      client.grantTypes ?? null,
    ],
  );
  if (!row) throw new Error('client was not created');
  return row.id;
}
