import type { Context } from 'hono';
import {
  authenticateClient,
  type ClientCaller,
  forgetClient,
  rememberedClient,
} from '../client-auth/authenticate-client.js';
import { bodyParams, type Params, required } from '../http/params.js';
import { type FoundToken, findToken, looksLikeJwt, recordStaleUse } from '../oauth/token-lookup.js';
import type { ServerContext } from '../server-context.js';
import type { AccessTokenState } from '../storage/oauth-store.js';
import type { AccessTokenClaims } from '../tokens/access-token.js';

const INACTIVE = { active: false } as const;
const HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** RFC 7662 §2.2: what an active token's owner may learn about it; anything else is inactive. */
function answer(ctx: ServerContext, clientId: string, found: FoundToken | undefined) {
  if (!found?.state.active || found.state.clientId !== clientId) return INACTIVE;
  if (found.kind === 'access_token') {
    const { claims } = found;
    return {
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
    };
  }
  const { state } = found;
  return {
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
  };
}

/**
 * The common case in one round trip: a client whose secret this process remembers asks about
 * a valid-looking access token. Undefined sends the request down the full path (the client
 * changed, or the token is not a live JWT of ours and needs the slower lookups).
 */
async function introspectRemembered(
  ctx: ServerContext,
  caller: ClientCaller,
  token: string,
  hint: string | undefined,
): Promise<ReturnType<typeof answer> | 'principal_changed' | undefined> {
  if (!('remembered' in caller.binding) || token.length > 4096) return undefined;
  if (hint === 'refresh_token' || !looksLikeJwt(token)) return undefined;
  const checked = await ctx.accessTokens.check(token);
  if (!checked.ok) return undefined;
  const claims: AccessTokenClaims = checked.claims;
  const result = await ctx.store.accessTokenStateAs(
    caller.binding.remembered,
    claims.jti,
    claims.gid,
  );
  if (result.outcome === 'principal_changed') return 'principal_changed';
  caller.confirmed();
  const state: AccessTokenState | undefined = result.state;
  if (state && !state.active) recordStaleUse(ctx, 'token.revoked_use', token, state);
  return answer(ctx, caller.clientId, state && { kind: 'access_token', claims, state });
}

/**
 * POST /introspect — RFC 7662. Only authenticated confidential clients may ask, and only
 * about their own tokens; anything else is simply `active: false` (§2.2).
 */
export function introspectEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const params: Params = await bodyParams(c, { allowJson: false });
    const hint = params.get('token_type_hint');
    const caller = rememberedClient(c, params, ctx);
    if (caller) {
      const fast = await introspectRemembered(ctx, caller, required(params, 'token'), hint);
      if (fast === 'principal_changed') forgetClient(c, params, ctx);
      else if (fast) return c.json(fast, 200, HEADERS);
    }
    const { client } = await authenticateClient(c, params, ctx, { allowPublic: false });
    const token = required(params, 'token');
    const found = await findToken(ctx, token, hint);
    return c.json(answer(ctx, client.clientId, found), 200, HEADERS);
  };
}
