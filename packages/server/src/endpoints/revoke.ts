import type { Context } from 'hono';
import { authenticatingClient } from '../auth/client.js';
import { required } from '../http/params.js';
import { requestOf } from '../http/request-context.js';
import { inputOf } from '../http/request-input.js';
import { tokenReference } from '../oauth/token-lookup.js';
import type { ServerContext } from '../server-context.js';

/**
 * POST /revoke — RFC 7009. The client must authenticate (public clients identify with
 * client_id, §2.1) and can revoke only its own tokens. Unknown tokens and other clients'
 * tokens get the same 200 (§2.2), so the endpoint reveals nothing.
 */
export function revokeEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const input = inputOf(c);
    const params = await input.params();
    const request = requestOf(c);
    const client = authenticatingClient(ctx, await input.client(), request);
    const token = required(params, 'token');
    const { reference } = await tokenReference(ctx, token, request);
    const result = await client.run((proof) => ctx.store.revoke(proof, reference));
    if (result.revoked)
      ctx.security.record(
        {
          event: 'token.revoked',
          outcome: 'success',
          actor: { type: 'client', id: client.clientId },
          target: { type: result.revoked },
          clientId: client.clientId,
        },
        request,
      );
    return c.body(null, 200, { 'Cache-Control': 'no-store' });
  };
}
