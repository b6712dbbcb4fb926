import type { SqlExecutor } from './driver.js';
import type { IntrospectedToken, Outcome } from './oauth-records.js';
import { type IntrospectionColumns, introspectionFrom } from './oauth-rows.js';
import type { PrincipalStore, ProofArgs } from './principal-store.js';

/**
 * RFC 7662 §2.1 for an API: an access token (its verified `jti`, `gid` and `aud`), if it is
 * addressed to the calling API, in one call to oauth_introspect_for_api
 * (functions/13-resource-servers.sql), which checks the API's credentials first.
 */
export async function introspectForApi(
  db: SqlExecutor,
  principals: PrincipalStore,
  api: ProofArgs,
  access: { jti: string; grantId: string; audience: string[] } | undefined,
): Promise<Outcome<'ok'> & { token: IntrospectedToken | undefined }> {
  const [row] = await db.query<IntrospectionColumns>(
    'SELECT * FROM oauth_introspect_for_api($1, $2, $3, $4, $5, $6, $7, $8)',
    [
      ...principals.params(api),
      access?.jti ?? null,
      access?.grantId ?? null,
      access?.audience ?? [],
    ],
  );
  return introspectionFrom(
    row && { ...row, scope: null, model: null, issued_at: null, expires_at: null },
  );
}
