import type { Context } from 'hono';
import {
  authenticateClient,
  callerOf,
  forgetClient,
  PrincipalChanged,
  rememberedClient,
} from '../client-auth/authenticate-client.js';
import { oauthError } from '../errors.js';
import type { GrantHandler } from '../grants/grant-type.js';
import { grantRegistry } from '../grants/registry.js';
import { bodyParams, type Params, required } from '../http/params.js';
import type { ServerContext } from '../server-context.js';

/**
 * The grant for a client whose secret this process remembers, in one round trip; undefined
 * when there is no such client or the database no longer confirms it (then the full path).
 */
async function tryRemembered(
  c: Context,
  ctx: ServerContext,
  grant: GrantHandler,
  params: Params,
): Promise<Awaited<ReturnType<GrantHandler['handle']>> | undefined> {
  const caller = rememberedClient(c, params, ctx);
  if (!caller) return undefined;
  try {
    return await grant.handle(ctx, caller, params);
  } catch (error) {
    if (!(error instanceof PrincipalChanged)) throw error;
    forgetClient(c, params, ctx);
    return undefined;
  }
}

/**
 * POST /token — RFC 6749 §3.2. Form-encoded as the RFC requires; JSON is accepted for
 * older SDKs. Public clients may use it because every code is PKCE-bound.
 */
export function tokenEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const params = await bodyParams(c, { allowJson: true });
    const grantType = required(params, 'grant_type');
    const grant = grantRegistry.get(grantType);
    if (!grant)
      throw oauthError.unsupportedGrantType(
        `Supported grant types: ${[...grantRegistry.keys()].join(', ')}.`,
      );
    const body =
      (await tryRemembered(c, ctx, grant, params)) ??
      (await grant.handle(
        ctx,
        callerOf(await authenticateClient(c, params, ctx, { allowPublic: true })),
        params,
      ));
    // RFC 6749 §5.1: token responses must not be cached.
    return c.json(body, 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  };
}
