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
  /** While a rotation's overlap runs: when the replaced secret stops working. */
  previous_secret_expires_at: Date | null;
}

// `confidential` is generated from secret_hash, which the application role may not read.
const COLUMNS = `id, client_id, name, redirect_uris, confidential,
  token_endpoint_auth_method, disabled_at IS NOT NULL AS disabled, owner_id, created_at,
  CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END
    AS previous_secret_expires_at`;

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

/** The parameters of a confidential client's secret hash (never the hash), for a rotation. */
export async function clientSecretParams(tx: SqlExecutor, id: string): Promise<string | undefined> {
  const [row] = await tx.query<{ params: string | null }>(
    'SELECT app_client_secret_params($1) AS params',
    [id],
  );
  return row?.params ?? undefined;
}

/**
 * A new secret for a confidential client (app_rotate_client_secret): with an overlap, the
 * replaced one keeps working that many seconds; with 0 it stops at once. The client_id.
 */
export async function rotateClientSecret(
  tx: SqlExecutor,
  id: string,
  secretHash: string,
  overlapSeconds: number,
): Promise<string | undefined> {
  const [row] = await tx.query<{ client_id: string | null }>(
    'SELECT app_rotate_client_secret($1, $2, $3) AS client_id',
    [id, secretHash, overlapSeconds],
  );
  return row?.client_id ?? undefined;
}

/** Ends a rotation's overlap: the replaced secret stops now. The client_id, if there was one. */
export async function endSecretOverlap(tx: SqlExecutor, id: string): Promise<string | undefined> {
  const [row] = await tx.query<{ client_id: string | null }>(
    'SELECT app_end_secret_overlap($1) AS client_id',
    [id],
  );
  return row?.client_id ?? undefined;
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
