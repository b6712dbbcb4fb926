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
 * Runs `work` in a transaction acting for the console session `sessionId` (its raw id, as
 * the cookie carries it). The database verifies the session (app_current_user_id,
 * migrations/functions/01-rls.sql) and every policy then filters to that owner's rows (or
 * all rows for an admin); an unknown, expired or disabled user's session sees nothing.
 */
export function inSession<T>(
  db: SqlDriver,
  sessionId: string,
  work: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT set_config('app.session', $1, true)", [sessionId]);
    return work(tx);
  });
}

/** A new plain user and its first console session (app_register_user); 23505 if taken. */
export async function signUpUser(
  db: SqlExecutor,
  input: { email: string; passwordHash: string; sessionHash: string; lifetimeSeconds: number },
): Promise<string> {
  const [row] = await db.query<{ id: string }>('SELECT app_register_user($1, $2, $3, $4) AS id', [
    input.email,
    input.passwordHash,
    input.sessionHash,
    input.lifetimeSeconds,
  ]);
  if (!row) throw new Error('user was not created');
  return row.id;
}

/** The operator creates any account, admins included (SqlDriver.privileged only). */
export async function registerUser(
  privileged: SqlExecutor,
  email: string,
  passwordHash: string,
  role: 'user' | 'admin',
): Promise<string> {
  const [row] = await privileged.query<{ id: string }>(
    'INSERT INTO users (email, password_hash, role) VALUES ($1, $2, $3) RETURNING id',
    [email, passwordHash, role],
  );
  if (!row) throw new Error('user was not created');
  return row.id;
}

/** The operator looks an account up by email (SqlDriver.privileged only). */
export async function findUserByEmail(
  privileged: SqlExecutor,
  email: string,
): Promise<UserRecord | undefined> {
  const [row] = await privileged.query<UserRecord>('SELECT * FROM app_user_by_email($1)', [email]);
  return row;
}

/**
 * Inserts an agent for `ownerId`: in a console session the policy's WITH CHECK rejects any
 * other owner; on the operator's privileged connection the owner is taken as given.
 */
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

/** As insertAgent, for a website or API. */
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
