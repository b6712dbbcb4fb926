import type { Context } from 'hono';
import { authenticateClient } from '../client-auth/authenticate-client.js';
import { oauthError } from '../errors.js';
import { grantRegistry } from '../grants/registry.js';
import { bodyParams, required } from '../http/params.js';
import type { ServerContext } from '../server-context.js';

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
    const client = await authenticateClient(c, params, ctx, { allowPublic: true });
    const body = await grant.handle(ctx, client, params);
    // RFC 6749 §5.1: token responses must not be cached.
    return c.json(body, 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  };
}
