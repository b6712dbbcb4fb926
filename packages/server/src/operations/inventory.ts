import { normalizeEmail } from '../accounts/email.js';
import type { SqlExecutor } from '../storage/driver.js';
import { IncidentError, type IncidentResult } from './incident-response.js';

/**
 * The operator's lists and deletions of users, agents and websites (clients), across every
 * owner (migrations/functions/10-operator.sql). Deletions return the security event that
 * records them, like the incident steps; the caller adds its actor.
 */
export interface UserEntry {
  id: string;
  email: string;
  role: 'user' | 'admin';
  disabled: boolean;
  email_verified: boolean;
  agent_count: number;
  client_count: number;
  created_at: Date | string;
}

export interface AgentEntry {
  agent_id: string;
  label: string | null;
  user_email: string;
  user_name: string | null;
  owner_email: string;
  disabled: boolean;
  locked: boolean;
  created_at: Date | string;
}

export interface ClientEntry {
  client_id: string;
  name: string;
  public: boolean;
  redirect_uris: string[];
  /** Null for a client that registered itself and was not claimed. */
  owner_email: string | null;
  disabled: boolean;
  locked: boolean;
  created_at: Date | string;
}

const owner = (email: string | undefined) => (email ? normalizeEmail(email) : null);

export function listUsers(db: SqlExecutor): Promise<UserEntry[]> {
  return db.query<UserEntry>('SELECT * FROM operator_users()');
}

export function listAgents(db: SqlExecutor, ownerEmail?: string): Promise<AgentEntry[]> {
  return db.query<AgentEntry>('SELECT * FROM operator_agents($1)', [owner(ownerEmail)]);
}

export function listClients(db: SqlExecutor, ownerEmail?: string): Promise<ClientEntry[]> {
  return db.query<ClientEntry>('SELECT * FROM operator_clients($1)', [owner(ownerEmail)]);
}

/** Enabled administrators: none means nobody can manage other users in the console. */
export async function adminCount(db: SqlExecutor): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT operator_admin_count() AS n');
  return row?.n ?? 0;
}

/** One agent, website or API, by its public id (`operator_delete_principal`). */
async function deleteOwned(
  db: SqlExecutor,
  kind: { type: 'agent' | 'client' | 'api'; noun: string },
  id: string,
): Promise<IncidentResult<{ deleted: string }>> {
  const [row] = await db.query<{ ok: boolean }>('SELECT operator_delete_principal($1, $2) AS ok', [
    kind.type,
    id,
  ]);
  if (!row?.ok) throw new IncidentError(`No ${kind.noun} ${id}.`);
  return {
    result: { deleted: id },
    event: {
      event: 'admin.action',
      outcome: 'success',
      target: { type: kind.type, id },
      ...(kind.type === 'agent' ? { agentId: id } : kind.type === 'client' ? { clientId: id } : {}),
      details: { action: 'delete' },
    },
  };
}

export const deleteAgent = (db: SqlExecutor, agentId: string) =>
  deleteOwned(db, { type: 'agent', noun: 'agent' }, agentId);

export const deleteClient = (db: SqlExecutor, clientId: string) =>
  deleteOwned(db, { type: 'client', noun: 'client (website)' }, clientId);

export const deleteApi = (db: SqlExecutor, apiId: string) =>
  deleteOwned(db, { type: 'api', noun: 'API' }, apiId);

/** Refuses a user who owns agents or websites unless `withObjects`, which deletes them too. */
export async function deleteUser(
  db: SqlExecutor,
  rawEmail: string,
  withObjects: boolean,
): Promise<IncidentResult<{ deleted: string; agents: number; clients: number; apis: number }>> {
  const email = normalizeEmail(rawEmail);
  const [row] = await db.query<{
    found_user: boolean;
    deleted: boolean;
    agent_count: number;
    client_count: number;
    api_count: number;
  }>('SELECT * FROM operator_delete_user($1, $2)', [email, withObjects]);
  if (!row?.found_user) throw new IncidentError(`No user with email ${email}.`);
  if (!row.deleted)
    throw new IncidentError(
      `${email} owns ${row.agent_count} agent(s) and ${row.client_count} website(s)` +
        (row.api_count > 0 ? `, and ${row.api_count} API(s). ` : '. ') +
        'Delete them first, or pass --with-objects to delete them with the account.',
    );
  return {
    result: {
      deleted: email,
      agents: row.agent_count,
      clients: row.client_count,
      apis: row.api_count,
    },
    event: {
      event: 'admin.action',
      outcome: 'success',
      target: { type: 'user', id: email },
      details: {
        action: 'delete',
        agents: row.agent_count,
        clients: row.client_count,
        apis: row.api_count,
      },
    },
  };
}
