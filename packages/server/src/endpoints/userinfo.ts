import type { Context } from 'hono';
import { OAuthError } from '../errors.js';
import { requestOf } from '../http/request-context.js';
import { recordStaleUse } from '../oauth/token-lookup.js';
import type { ServerContext } from '../server-context.js';
import { scopedUserClaims } from '../tokens/id-token.js';
import { checkedToken, presentedToken, unauthorized } from './protected-resource.js';

/**
 * GET/POST /userinfo — OpenID Connect Core §5.3: the agent and the user it acts for,
 * filtered by scope, for a bearer or DPoP-bound access token. A DPoP proof is remembered in
 * the same database call that reads the token's state, so a replay is refused by every
 * instance.
 */
export function userinfoEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const presented = await presentedToken(c);
    if (presented === undefined) throw unauthorized(ctx, 'An access token is required.');
    const { claims, proof } = await checkedToken(c, ctx, presented, '/userinfo');
    const failed = { scheme: presented.scheme, error: 'invalid_token' } as const;
    const state = await ctx.store.accessTokenState(claims.jti, claims.gid, proof);
    if (state && !state.active)
      recordStaleUse(ctx, 'token.revoked_use', presented.token, requestOf(c), state);
    if (!state?.active) throw unauthorized(ctx, 'The access token has been revoked.', failed);
    if (!state.dpopFresh)
      throw unauthorized(ctx, 'The DPoP proof was already used.', {
        scheme: 'dpop',
        error: 'invalid_dpop_proof',
      });
    // A client's own token (client_credentials) speaks for no agent and no person.
    if (state.agentId === null)
      throw new OAuthError('insufficient_scope', 'The access token identifies no agent.', 403, {
        'WWW-Authenticate': `${presented.scheme === 'dpop' ? 'DPoP' : 'Bearer'} realm="${ctx.config.issuer}", error="insufficient_scope"`,
      });
    const user = {
      email: state.userEmail ?? '',
      name: state.userName,
      emailVerified: state.emailVerified,
    };
    return c.json(
      { sub: claims.sub, model: claims.model, ...scopedUserClaims(claims.scope, user) },
      200,
      { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    );
  };
}
