import type { AuthenticatingClient } from '../auth/client.js';
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
 * One grant type of the token endpoint. The grant runs its database call through
 * `client.run`, which checks the client's credentials in that same call (auth/client.ts).
 */
export interface GrantHandler {
  readonly type: string;
  handle(ctx: ServerContext, client: AuthenticatingClient, params: Params): Promise<TokenResponse>;
}
