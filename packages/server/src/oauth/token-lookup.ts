import { decodeJwt } from 'jose';
import { sha256 } from '../crypto/digest.js';
import type { RequestOrigin } from '../request-info.js';
import type { ServerContext } from '../server-context.js';
import type { TokenReference } from '../storage/oauth-store.js';
import type { AccessTokenClaims } from '../tokens/access-token.js';

export const looksLikeJwt = (token: string) => token.split('.').length === 3;

/**
 * How the database can find a token presented to introspection or revocation: an access
 * token by the `jti` and `gid` of its verified signature, anything else by its hash (a
 * refresh token). Both kinds are looked up in the same database call, so the hint
 * (RFC 7662 §2.1, RFC 7009 §2.1) changes nothing and is not needed.
 */
export async function tokenReference(
  ctx: ServerContext,
  token: string,
  request: RequestOrigin,
): Promise<{ reference: TokenReference; claims?: AccessTokenClaims }> {
  if (token.length > 4096) return { reference: {} };
  if (looksLikeJwt(token)) {
    const checked = await ctx.accessTokens.check(token);
    if (checked.ok) {
      const { claims } = checked;
      const expiresAt = new Date(claims.exp * 1000);
      return { reference: { access: { jti: claims.jti, grantId: claims.gid, expiresAt } }, claims };
    }
    if (checked.reason === 'expired') recordStaleUse(ctx, 'token.expired_use', token, request);
  }
  return { reference: { refreshHash: sha256(token) } };
}

/**
 * A genuine access token presented after expiry or revocation: a client bug, or a stolen
 * token (security guide, Monitoring). Only unverified claims of a token whose signature
 * checked out are logged, never the token.
 */
export function recordStaleUse(
  ctx: ServerContext,
  event: 'token.expired_use' | 'token.revoked_use',
  token: string,
  request: RequestOrigin,
  known?: { clientId: string; agentId: string | null },
): void {
  const claims = decodeJwt(token);
  const clientId =
    known?.clientId ?? (typeof claims.client_id === 'string' ? claims.client_id : undefined);
  // A client's own token (client_credentials) names no agent.
  const agentId = known ? (known.agentId ?? undefined) : claims.sub;
  ctx.security.record(
    {
      event,
      outcome: 'denied',
      target: { type: 'access_token', id: typeof claims.jti === 'string' ? claims.jti : undefined },
      clientId,
      agentId,
    },
    request,
  );
}
