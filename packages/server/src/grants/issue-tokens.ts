import type { ServerContext } from '../server-context.js';
import type { TokenResponse } from './grant-type.js';

export async function tokenResponse(
  ctx: ServerContext,
  grant: { grantId: string; agentId: string; clientId: string; scope: string; model: string },
  refreshToken: string,
): Promise<TokenResponse> {
  const access = await ctx.accessTokens.issue(grant);
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: ctx.config.accessTokenTtl,
    refresh_token: refreshToken,
    scope: grant.scope,
  };
}
