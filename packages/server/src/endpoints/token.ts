import type { Context } from 'hono';
import { authenticatingClient } from '../auth/client.js';
import { oauthError } from '../errors.js';
import { grantRegistry } from '../grants/registry.js';
import { required } from '../http/params.js';
import { requestOf } from '../http/request-context.js';
import { inputOf } from '../http/request-input.js';
import type { ServerContext } from '../server-context.js';

/**
 * POST /token — RFC 6749 §3.2. Form-encoded as the RFC requires; JSON is accepted for
 * older SDKs. Public clients may use it because every code is PKCE-bound. A DPoP header
 * (RFC 9449 §5) is checked before the grant runs; the grant binds its tokens to the key.
 */
export function tokenEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const input = inputOf(c);
    const params = await input.params();
    const grantType = required(params, 'grant_type');
    const grant = grantRegistry.get(grantType);
    if (!grant)
      throw oauthError.unsupportedGrantType(
        `Supported grant types: ${[...grantRegistry.keys()].join(', ')}.`,
      );
    const client = authenticatingClient(ctx, await input.client(), requestOf(c));
    const header = c.req.header('dpop');
    const proof =
      header === undefined
        ? undefined
        : await ctx.dpop.verify(header, { method: 'POST', path: '/token' });
    const body = await grant.handle(ctx, client, params, proof);
    // RFC 6749 §5.1: token responses must not be cached.
    return c.json(body, 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  };
}
