import type { Context } from 'hono';
import { authenticateClient } from '../client-auth/authenticate-client.js';
import { bodyParams, required } from '../http/params.js';
import { findToken } from '../oauth/token-lookup.js';
import type { ServerContext } from '../server-context.js';

/**
 * POST /revoke — RFC 7009. The client must authenticate (public clients identify with
 * client_id, §2.1) and can revoke only its own tokens. Unknown tokens and other clients'
 * tokens get the same 200 (§2.2), so the endpoint reveals nothing.
 */
export function revokeEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const params = await bodyParams(c, { allowJson: false });
    const { client } = await authenticateClient(c, params, ctx, { allowPublic: true });
    const token = required(params, 'token');
    const found = await findToken(ctx, token, params.get('token_type_hint'));
    if (found?.kind === 'refresh_token') {
      await ctx.store.revokeRefreshFamily(found.tokenHash, client.id);
    } else if (found?.kind === 'access_token') {
      const { claims } = found;
      await ctx.store.revokeAccessToken(
        claims.jti,
        claims.gid,
        client.id,
        new Date(claims.exp * 1000),
      );
    }
    if (found)
      ctx.security.record({
        event: 'token.revoked',
        outcome: 'success',
        actor: { type: 'client', id: client.clientId },
        target: { type: found.kind },
        clientId: client.clientId,
      });
    return c.body(null, 200, { 'Cache-Control': 'no-store' });
  };
}
