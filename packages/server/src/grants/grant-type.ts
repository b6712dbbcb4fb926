import type { AuthenticatingClient } from '../auth/client.js';
import type { Params } from '../http/params.js';
import type { VerifiedProof } from '../oauth/dpop-proof.js';
import type { ServerContext } from '../server-context.js';

/** RFC 6749 §5.1 successful token response, with OpenID Connect's id_token (Core §3.1.3.3). */
export interface TokenResponse {
  access_token: string;
  /** DPoP when the access token is bound to the request's DPoP key (RFC 9449 §5). */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  /** None for client_credentials (RFC 6749 §4.4.3). */
  refresh_token?: string;
  /** Omitted when empty (RFC 6749 §5.1: OPTIONAL when it is what was asked for). */
  scope?: string;
  id_token?: string;
}

/**
 * One grant type of the token endpoint. The grant runs its database call through
 * `client.run`, which checks the client's credentials in that same call (auth/client.ts).
 * `dpop` is the request's DPoP proof, already checked but for replay, which the grant's
 * database call detects.
 */
export interface GrantHandler {
  readonly type: string;
  handle(
    ctx: ServerContext,
    client: AuthenticatingClient,
    params: Params,
    dpop: VerifiedProof | undefined,
  ): Promise<TokenResponse>;
}
