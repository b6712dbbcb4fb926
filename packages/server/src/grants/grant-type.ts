import type { ClientCaller } from '../client-auth/authenticate-client.js';
import type { Params } from '../http/params.js';
import type { ServerContext } from '../server-context.js';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/**
 * One grant type of the token endpoint. `handle` throws PrincipalChanged when the caller was
 * a remembered client the database no longer confirms (nothing was done); otherwise it calls
 * `caller.confirmed()` as soon as its database call has answered.
 */
export interface GrantHandler {
  readonly type: string;
  handle(ctx: ServerContext, caller: ClientCaller, params: Params): Promise<TokenResponse>;
}
