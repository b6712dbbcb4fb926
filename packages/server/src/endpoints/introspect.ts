import type { Context } from 'hono';
import { authenticateClient } from '../client-auth/authenticate-client.js';
import { bodyParams, required } from '../http/params.js';
import { findToken } from '../oauth/token-lookup.js';
import type { ServerContext } from '../server-context.js';

const INACTIVE = { active: false } as const;

/**
 * POST /introspect — RFC 7662. Only authenticated confidential clients may ask, and only
 * about their own tokens; anything else is simply `active: false` (§2.2).
 */
export function introspectEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const params = await bodyParams(c, { allowJson: false });
    const { client } = await authenticateClient(c, params, ctx, { allowPublic: false });
    const token = required(params, 'token');
    const found = await findToken(ctx, token, params.get('token_type_hint'));
    const headers = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
    if (!found?.state.active || found.state.clientId !== client.clientId)
      return c.json(INACTIVE, 200, headers);
    if (found.kind === 'access_token') {
      const { claims } = found;
      return c.json(
        {
          active: true,
          token_type: 'Bearer',
          scope: claims.scope,
          client_id: claims.client_id,
          sub: claims.sub,
          aud: claims.aud,
          iss: claims.iss,
          exp: claims.exp,
          iat: claims.iat,
          jti: claims.jti,
          model: claims.model,
        },
        200,
        headers,
      );
    }
    const { state } = found;
    return c.json(
      {
        active: true,
        token_type: 'refresh_token',
        scope: state.scope,
        client_id: state.clientId,
        sub: state.agentId,
        aud: state.clientId,
        iss: ctx.config.issuer,
        exp: Math.floor(state.expiresAt.getTime() / 1000),
        iat: Math.floor(state.issuedAt.getTime() / 1000),
        model: state.model,
      },
      200,
      headers,
    );
  };
}
