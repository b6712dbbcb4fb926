import type { SqlExecutor } from '../../storage/driver.js';

/**
 * Admin listings. These queries carry no owner filter: the RLS policies of 001_core.sql
 * return every row only when app_is_admin() holds, and only the caller's own otherwise.
 */
export interface AdminUser {
  id: string;
  email: string;
  role: 'user' | 'admin';
  disabled: boolean;
  email_verified: boolean;
  agents: number;
  clients: number;
  created_at: Date;
}

/** Every user, or only the one with id `only`. */
export function listUsers(tx: SqlExecutor, only?: string): Promise<AdminUser[]> {
  return tx.query<AdminUser>(
    `SELECT u.id, u.email, u.role, u.disabled_at IS NOT NULL AS disabled,
            u.email_verified_at IS NOT NULL AS email_verified, u.created_at,
            (SELECT count(*)::int FROM agents a WHERE a.owner_id = u.id) AS agents,
            (SELECT count(*)::int FROM clients c WHERE c.owner_id = u.id) AS clients
     FROM users u WHERE $1::uuid IS NULL OR u.id = $1 ORDER BY u.created_at`,
    [only ?? null],
  );
}

export type UserChangeOutcome = 'ok' | 'unchanged' | 'not_found' | 'last_admin';

/** app_admin_set_role (functions/15-accounts.sql): admins only, never the last admin. */
export async function setUserRole(
  tx: SqlExecutor,
  id: string,
  role: 'user' | 'admin',
): Promise<UserChangeOutcome> {
  const [row] = await tx.query<{ outcome: UserChangeOutcome }>(
    'SELECT outcome FROM app_admin_set_role($1, $2)',
    [id, role],
  );
  return row?.outcome ?? 'not_found';
}

/** app_admin_delete_user: the account with its agents and websites; never the last admin. */
export async function deleteUser(tx: SqlExecutor, id: string): Promise<UserChangeOutcome> {
  const [row] = await tx.query<{ outcome: UserChangeOutcome }>(
    'SELECT outcome FROM app_admin_delete_user($1)',
    [id],
  );
  return row?.outcome ?? 'not_found';
}

export interface AdminObject {
  id: string;
  public_id: string;
  name: string;
  /** Null for a client nobody owns (registered by itself or by its metadata document). */
  owner_email: string | null;
  /** Clients only: 'owner', 'dynamic' or 'metadata_document'. */
  registration?: string;
  disabled: boolean;
  created_at: Date;
}

export function listAllAgents(tx: SqlExecutor): Promise<AdminObject[]> {
  return tx.query<AdminObject>(
    `SELECT a.id, a.agent_id AS public_id, coalesce(a.label, a.user_email) AS name,
            u.email AS owner_email, a.disabled_at IS NOT NULL AS disabled, a.created_at
     FROM agents a JOIN users u ON u.id = a.owner_id ORDER BY a.created_at DESC LIMIT 500`,
  );
}

/** Every client, those nobody owns included (an admin sees them through RLS; owners never). */
export function listAllClients(tx: SqlExecutor): Promise<AdminObject[]> {
  return tx.query<AdminObject>(
    `SELECT c.id, c.client_id AS public_id, c.name, u.email AS owner_email, c.registration,
            c.disabled_at IS NOT NULL AS disabled, c.created_at
     FROM clients c LEFT JOIN users u ON u.id = c.owner_id ORDER BY c.created_at DESC LIMIT 500`,
  );
}

/** The users_guard trigger (003_console.sql) refuses this unless the caller is an admin. */
export async function setUserDisabled(tx: SqlExecutor, id: string, disabled: boolean) {
  const rows = await tx.query(
    `UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END
     WHERE id = $1 RETURNING id`,
    [id, disabled],
  );
  if (rows.length === 1 && disabled)
    await tx.query('DELETE FROM console_sessions WHERE user_id = $1', [id]);
  return rows.length === 1;
}
