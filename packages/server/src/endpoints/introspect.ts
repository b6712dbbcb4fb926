import type { Context } from 'hono';
import { isApiId } from '../accounts/generated.js';
import { type AuthenticatingClient, authenticatingClient } from '../auth/client.js';
import { required } from '../http/params.js';
import { requestOf } from '../http/request-context.js';
import { inputOf } from '../http/request-input.js';
import { recordStaleUse, tokenReference } from '../oauth/token-lookup.js';
import type { ServerContext } from '../server-context.js';
import { introspectForApi } from '../storage/api-introspection-store.js';
import type { IntrospectedToken } from '../storage/oauth-store.js';
import { type AccessTokenClaims, audienceList } from '../tokens/access-token.js';

const INACTIVE = { active: false } as const;
const HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * RFC 7662 §2.2: what an active token's client may learn about it. A DPoP-bound access
 * token says so and names its key (RFC 9449 §6.2), for the caller to check the proof it
 * received; introspection itself takes no proof.
 */
function answer(
  ctx: ServerContext,
  clientId: string,
  found: IntrospectedToken | undefined,
  claims: AccessTokenClaims | undefined,
) {
  if (!found?.active) return INACTIVE;
  if (found.tokenType === 'access_token') {
    if (!claims) return INACTIVE;
    return {
      active: true,
      token_type: claims.cnf ? 'DPoP' : 'Bearer',
      ...(claims.cnf ? { cnf: { jkt: claims.cnf.jkt } } : {}),
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
  return {
    active: true,
    token_type: 'refresh_token',
    scope: found.scope,
    client_id: clientId,
    sub: found.agentId,
    aud: clientId,
    iss: ctx.config.issuer,
    exp: Math.floor(found.expiresAt.getTime() / 1000),
    iat: Math.floor(found.issuedAt.getTime() / 1000),
    model: found.model,
  };
}

/**
 * RFC 7662 §2.1 for an API (resource server) with its own credentials: an access token
 * addressed to it (its `aud`), and nothing else: other tokens are inactive (§2.2). The rule
 * is the database's (oauth_introspect_for_api); the audience comes from the verified token.
 */
async function answerApi(c: Context, ctx: ServerContext, api: AuthenticatingClient) {
  const token = required(await inputOf(c).params(), 'token');
  const { reference, claims } = await tokenReference(ctx, token, api.request);
  const access = reference.access &&
    claims && { ...reference.access, audience: audienceList(claims.aud) };
  const result = await api.run((proof) =>
    introspectForApi(ctx.db, ctx.principalStore, proof, access),
  );
  const found = result.token;
  if (found && !found.active && claims)
    recordStaleUse(ctx, 'token.revoked_use', token, api.request, {
      ...found,
      clientId: claims.client_id,
    });
  return c.json(answer(ctx, claims?.client_id ?? '', found, claims), 200, HEADERS);
}

/**
 * POST /introspect — RFC 7662. Only authenticated confidential clients may ask, and only
 * about their own tokens; an API (an api_id) only about tokens addressed to it. Anything
 * else is simply `active: false` (§2.2). Both rules are the database's (oauth_introspect,
 * oauth_introspect_for_api).
 */
export function introspectEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const input = inputOf(c);
    const params = await input.params();
    const credentials = await input.client();
    const request = requestOf(c);
    if (isApiId(credentials.clientId))
      return answerApi(c, ctx, authenticatingClient(ctx, credentials, request, 'api'));
    const client = authenticatingClient(ctx, credentials, request);
    const token = required(params, 'token');
    const { reference, claims } = await tokenReference(ctx, token, request);
    const result = await client.run((proof) => ctx.store.introspect(proof, reference));
    const found = result.token;
    if (found?.tokenType === 'access_token' && !found.active)
      recordStaleUse(ctx, 'token.revoked_use', token, request, {
        ...found,
        clientId: client.clientId,
      });
    return c.json(answer(ctx, client.clientId, found, claims), 200, HEADERS);
  };
}
