import { hasScope } from '../oauth/scopes.js';
import type { ServerContext } from '../server-context.js';
import type { IssuedGrant } from '../storage/oauth-store.js';
import type { TokenResponse } from './grant-type.js';

/**
 * The token response of a grant: an access token (DPoP-bound when the request carried a
 * proof, RFC 9449 §5), and an ID token when the grant has the `openid` scope and OpenID
 * Connect is on. A refresh's ID token keeps the original auth_time and has no nonce
 * (OpenID Connect Core §12.2).
 */
export async function tokenResponse(
  ctx: ServerContext,
  clientId: string,
  grant: IssuedGrant,
  refreshToken: string,
  dpopJkt: string | undefined,
): Promise<TokenResponse> {
  const access = await ctx.accessTokens.issue({ ...grant, clientId, dpopJkt });
  const idToken =
    ctx.idTokens && hasScope(grant.scope, 'openid')
      ? await ctx.idTokens.issue({ ...grant, clientId, accessToken: access.token })
      : undefined;
  return {
    access_token: access.token,
    token_type: dpopJkt ? 'DPoP' : 'Bearer',
    expires_in: ctx.config.accessTokenTtl,
    refresh_token: refreshToken,
    scope: grant.scope,
    ...(idToken ? { id_token: idToken } : {}),
  };
}

/**
 * RFC 6749 §4.4.3: a client's own token, with no refresh token and no agent. It is not bound
 * to a DPoP proof the request may carry: a Bearer token, which `token_type` says, as RFC 9449
 * §5 lets a server answer.
 */
export async function clientTokenResponse(
  ctx: ServerContext,
  clientId: string,
  grant: { grantId: string; scope: string; audience: string[] },
): Promise<TokenResponse> {
  const access = await ctx.accessTokens.issue({ clientId, ...grant });
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: ctx.config.accessTokenTtl,
    ...(grant.scope ? { scope: grant.scope } : {}),
  };
}
