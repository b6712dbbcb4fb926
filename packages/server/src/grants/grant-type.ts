import type { AuthenticatingClient } from '../auth/client.js';
import type { Params } from '../http/params.js';
import type { ServerContext } from '../server-context.js';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** None for client_credentials (RFC 6749 §4.4.3). */
  refresh_token?: string;
  /** Omitted when empty (RFC 6749 §5.1: OPTIONAL when it is what was asked for). */
  scope?: string;
}

/**
 * One grant type of the token endpoint. The grant runs its database call through
 * `client.run`, which checks the client's credentials in that same call (auth/client.ts).
 */
export interface GrantHandler {
  readonly type: string;
  handle(ctx: ServerContext, client: AuthenticatingClient, params: Params): Promise<TokenResponse>;
}
