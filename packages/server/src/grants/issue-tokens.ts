import type { ServerContext } from '../server-context.js';
import type { IssuedGrant } from '../storage/oauth-store.js';
import type { TokenResponse } from './grant-type.js';

export async function tokenResponse(
  ctx: ServerContext,
  clientId: string,
  grant: IssuedGrant,
  refreshToken: string,
): Promise<TokenResponse> {
  const access = await ctx.accessTokens.issue({ ...grant, clientId });
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: ctx.config.accessTokenTtl,
    refresh_token: refreshToken,
    scope: grant.scope,
  };
}

/** RFC 6749 §4.4.3: a client's own token, with no refresh token and no agent. */
export async function clientTokenResponse(
  ctx: ServerContext,
  clientId: string,
  grant: { grantId: string; scope: string },
): Promise<TokenResponse> {
  const access = await ctx.accessTokens.issue({ clientId, ...grant });
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: ctx.config.accessTokenTtl,
    ...(grant.scope ? { scope: grant.scope } : {}),
  };
}
