import { decodeJwt } from 'jose';
import { sha256 } from '../crypto/digest.js';
import type { ServerContext } from '../server-context.js';
import type { AccessTokenState, RefreshTokenState } from '../storage/oauth-store.js';
import type { AccessTokenClaims } from '../tokens/access-token.js';

export type FoundToken =
  | { kind: 'access_token'; claims: AccessTokenClaims; state: AccessTokenState }
  | { kind: 'refresh_token'; tokenHash: string; state: RefreshTokenState };

export const looksLikeJwt = (token: string) => token.split('.').length === 3;

async function findAccess(ctx: ServerContext, token: string): Promise<FoundToken | undefined> {
  const checked = await ctx.accessTokens.check(token);
  if (!checked.ok) {
    if (checked.reason === 'expired') recordStaleUse(ctx, 'token.expired_use', token);
    return undefined;
  }
  const { claims } = checked;
  const state = await ctx.store.accessTokenState(claims.jti, claims.gid);
  if (state && !state.active) recordStaleUse(ctx, 'token.revoked_use', token, state);
  return state && { kind: 'access_token', claims, state };
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
  state?: AccessTokenState,
): void {
  const claims = decodeJwt(token);
  const clientId =
    state?.clientId ?? (typeof claims.client_id === 'string' ? claims.client_id : undefined);
  const agentId = state?.agentId ?? claims.sub;
  ctx.security.record({
    event,
    outcome: 'denied',
    target: { type: 'access_token', id: typeof claims.jti === 'string' ? claims.jti : undefined },
    clientId,
    agentId,
  });
}

async function findRefresh(ctx: ServerContext, token: string): Promise<FoundToken | undefined> {
  const tokenHash = sha256(token);
  const state = await ctx.store.refreshTokenState(tokenHash);
  return state && { kind: 'refresh_token', tokenHash, state };
}

/**
 * Finds a token of either kind. The hint (RFC 7662 §2.1, RFC 7009 §2.1) only chooses the
 * order of the lookups; an unknown hint is ignored.
 */
export async function findToken(
  ctx: ServerContext,
  token: string,
  hint: string | undefined,
): Promise<FoundToken | undefined> {
  if (token.length > 4096) return undefined;
  const accessFirst = hint === 'access_token' || (hint !== 'refresh_token' && looksLikeJwt(token));
  const order = accessFirst ? [findAccess, findRefresh] : [findRefresh, findAccess];
  for (const find of order) {
    const found = await find(ctx, token);
    if (found) return found;
  }
  return undefined;
}
