import type { AuthenticatedClient } from '../client-auth/authenticate-client.js';
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

export interface GrantHandler {
  readonly type: string;
  handle(ctx: ServerContext, client: AuthenticatedClient, params: Params): Promise<TokenResponse>;
}
