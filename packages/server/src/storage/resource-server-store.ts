import type { SqlExecutor } from './driver.js';

/** An API (resource server) as owners and the operator see it; never its secret's hash. */
export interface ApiRecord {
  id: string;
  apiId: string;
  identifier: string;
  name: string;
  scopes: string[];
  createdAt: Date;
}

export interface NewApi {
  apiId: string;
  secretHash: string;
  identifier: string;
  name: string;
  scopes: string[];
}

interface ApiRow {
  id: string;
  api_id: string;
  identifier: string;
  name: string;
  scopes: string[];
  created_at: Date;
}

const record = (row: ApiRow): ApiRecord => ({
  id: row.id,
  apiId: row.api_id,
  identifier: row.identifier,
  name: row.name,
  scopes: row.scopes,
  createdAt: row.created_at,
});

/** 23505 on resource_servers: the identifier (or, astronomically unlikely, the id) is taken. */
export function isTakenIdentifier(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

/** Under the owner's row-level security (console) or on the privileged connection (CLI). */
export async function insertApi(tx: SqlExecutor, ownerId: string, api: NewApi): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO resource_servers (api_id, secret_hash, identifier, name, scopes, owner_id)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [api.apiId, api.secretHash, api.identifier, api.name, api.scopes, ownerId],
  );
  if (!row) throw new Error('API was not created');
  return row.id;
}

/** The APIs row-level security lets this transaction see (an owner's own; all for an admin). */
export async function visibleApis(tx: SqlExecutor): Promise<ApiRecord[]> {
  const rows = await tx.query<ApiRow>(
    `SELECT id, api_id, identifier, name, scopes, created_at FROM resource_servers
     ORDER BY created_at, api_id`,
  );
  return rows.map(record);
}

export async function visibleApi(tx: SqlExecutor, id: string): Promise<ApiRecord | undefined> {
  const rows = await tx.query<ApiRow>(
    `SELECT id, api_id, identifier, name, scopes, created_at FROM resource_servers
     WHERE id = $1`,
    [id],
  );
  return rows[0] && record(rows[0]);
}

/** The deleted API's public api_id, or undefined when no visible API has this id. */
export async function deleteVisibleApi(tx: SqlExecutor, id: string): Promise<string | undefined> {
  const [row] = await tx.query<{ api_id: string }>(
    'DELETE FROM resource_servers WHERE id = $1 RETURNING api_id',
    [id],
  );
  return row?.api_id;
}

/** An API in the operator's list, with the column names of the other lists. */
export interface ApiEntry {
  api_id: string;
  identifier: string;
  name: string;
  scopes: string[];
  owner_email: string;
  disabled: boolean;
  locked: boolean;
  created_at: Date | string;
}

/** The operator's (privileged connection): every owner's APIs, or one owner's. */
export function operatorApis(
  privileged: SqlExecutor,
  ownerEmail: string | undefined,
): Promise<ApiEntry[]> {
  return privileged.query<ApiEntry>('SELECT * FROM operator_apis($1)', [ownerEmail ?? null]);
}

export async function operatorSetApiSecret(
  privileged: SqlExecutor,
  apiId: string,
  secretHash: string,
): Promise<boolean> {
  const [row] = await privileged.query<{ changed: boolean }>(
    'SELECT operator_set_api_secret($1, $2) AS changed',
    [apiId, secretHash],
  );
  return row?.changed === true;
}
