import type { SqlExecutor } from '../../storage/driver.js';

export interface ClientRow {
  id: string;
  client_id: string;
  name: string;
  redirect_uris: string[];
  /** Has a client secret (one that can be rotated). */
  confidential: boolean;
  token_endpoint_auth_method: string;
  disabled: boolean;
  /** Null for a client nobody owns; only an admin sees one. */
  owner_id: string | null;
  created_at: Date;
}

// `confidential` is generated from secret_hash, which the application role may not read.
const COLUMNS = `id, client_id, name, redirect_uris, confidential,
  token_endpoint_auth_method, disabled_at IS NOT NULL AS disabled, owner_id, created_at`;

export function listOwnClients(tx: SqlExecutor, ownerId: string): Promise<ClientRow[]> {
  return tx.query<ClientRow>(
    `SELECT ${COLUMNS} FROM clients WHERE owner_id = $1 ORDER BY created_at DESC`,
    [ownerId],
  );
}

export async function findClient(tx: SqlExecutor, id: string): Promise<ClientRow | undefined> {
  const [row] = await tx.query<ClientRow>(`SELECT ${COLUMNS} FROM clients WHERE id = $1`, [id]);
  return row;
}

export async function updateClient(
  tx: SqlExecutor,
  id: string,
  input: { name: string; redirectUris: string[] },
): Promise<string | undefined> {
  const [row] = await tx.query<{ client_id: string }>(
    `UPDATE clients SET name = $2, redirect_uris = $3, updated_at = now()
     WHERE id = $1 RETURNING client_id`,
    [id, input.name, input.redirectUris],
  );
  return row?.client_id;
}

/** Only confidential clients have a secret to rotate. */
export async function replaceClientSecret(
  tx: SqlExecutor,
  id: string,
  secretHash: string,
): Promise<string | undefined> {
  const [row] = await tx.query<{ client_id: string }>(
    `UPDATE clients SET secret_hash = $2, updated_at = now()
     WHERE id = $1 AND confidential RETURNING client_id`,
    [id, secretHash],
  );
  return row?.client_id;
}

export async function setClientDisabled(
  tx: SqlExecutor,
  id: string,
  disabled: boolean,
): Promise<string | undefined> {
  const [row] = await tx.query<{ client_id: string }>(
    `UPDATE clients SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END, updated_at = now()
     WHERE id = $1 RETURNING client_id`,
    [id, disabled],
  );
  return row?.client_id;
}

/**
 * Deleting cascades to the client's grants, refresh tokens and pending codes, so every
 * token it was issued stops working (introspection and /userinfo find no grant).
 */
export async function deleteClient(tx: SqlExecutor, id: string): Promise<string | undefined> {
  const [row] = await tx.query<{ client_id: string }>(
    'DELETE FROM clients WHERE id = $1 RETURNING client_id',
    [id],
  );
  return row?.client_id;
}
