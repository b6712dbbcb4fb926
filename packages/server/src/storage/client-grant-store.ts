import type { SqlExecutor } from './driver.js';
import type { Outcome, ResourceRefusal } from './oauth-records.js';
import type { OutcomeColumns, PrincipalStore, ProofArgs } from './principal-store.js';

export type ClientGrantResult =
  | (Outcome<'ok'> & { outcome: 'ok'; grantId: string })
  | Outcome<'unauthorized_client' | ResourceRefusal>;

/**
 * RFC 6749 §4.4: the client, checked by its proof, gets a grant of its own (no agent) for one
 * access token, in one call to oauth_client_credentials (functions/05-oauth-grants.sql).
 */
export async function createClientGrant(
  db: SqlExecutor,
  principals: PrincipalStore,
  client: ProofArgs,
  input: { scope: string; ttlSeconds: number; resources: string[]; resourceScopes: string[] },
): Promise<ClientGrantResult> {
  const [row] = await db.query<OutcomeColumns & { grant_id: string | null }>(
    'SELECT * FROM oauth_client_credentials($1, $2, $3, $4, $5, $6, $7, $8, $9)',
    [
      ...principals.params(client),
      input.scope,
      input.ttlSeconds,
      input.resources,
      input.resourceScopes,
    ],
  );
  if (!row) throw new Error('oauth_client_credentials returned no row');
  const retryAfter = row.retry_after ?? 0;
  if (row.outcome === 'ok' && row.grant_id)
    return { outcome: 'ok', retryAfter, grantId: row.grant_id };
  return { outcome: row.outcome as ClientGrantResult['outcome'], retryAfter } as ClientGrantResult;
}
