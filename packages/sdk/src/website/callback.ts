import * as oauth from 'oauth4webapi';
import { AuthAgentError } from '../shared/errors.js';
import type { AuthorizationTransaction } from './authorize.js';
import { internalsOf, type WebsiteClient } from './client.js';
import { toAuthAgentError } from './oauth-errors.js';
import { type TokenSet, toTokenSet } from './tokens.js';

/** Checks `iss` (RFC 9207 §2.4) and `state` with explicit, typed errors. */
function checkResponseParameters(client: WebsiteClient, params: URLSearchParams, state: string) {
  const iss = params.get('iss');
  if (iss === null && client.metadata.authorization_response_iss_parameter_supported)
    throw new AuthAgentError('issuer_mismatch', 'The callback has no iss parameter (RFC 9207).');
  if (iss !== null && iss !== client.issuer)
    throw new AuthAgentError(
      'issuer_mismatch',
      'The callback names another issuer than the configured one (RFC 9207 mix-up defence).',
    );
  if (params.get('state') !== state)
    throw new AuthAgentError(
      'state_mismatch',
      'The callback state does not match the saved one; start the sign-in again.',
    );
  const error = params.get('error');
  if (error !== null)
    throw new AuthAgentError(
      'authorization_error',
      `The sign-in did not complete: ${params.get('error_description') ?? error}.`,
      { oauthError: error },
    );
}

/**
 * Handles the browser's return to the redirect URI: validates `iss` and `state`, then
 * exchanges the code (with the PKCE verifier) for tokens.
 *
 * @param client - from {@link discover}
 * @param url - the full callback URL the browser requested
 * @param saved - the transaction saved by {@link createAuthorizationUrl}
 * @throws {@link AuthAgentError} `issuer_mismatch`, `state_mismatch`,
 *   `authorization_error` (e.g. the agent was refused), `oauth_error` from the token endpoint
 *
 * @example
 * ```ts
 * const tokens = await handleCallback(client, new URL(req.url), savedTransaction);
 * ```
 */
export async function handleCallback(
  client: WebsiteClient,
  url: URL | string,
  saved: AuthorizationTransaction | undefined,
): Promise<TokenSet> {
  if (!saved?.state || !saved.codeVerifier)
    throw new AuthAgentError(
      'state_mismatch',
      'No saved sign-in transaction (expired or another browser); start the sign-in again.',
    );
  const callback = new URL(url);
  checkResponseParameters(client, callback.searchParams, saved.state);
  const { as, client: oauthClient, auth, http } = internalsOf(client);
  try {
    const params = oauth.validateAuthResponse(as, oauthClient, callback, saved.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      oauthClient,
      auth,
      params,
      client.redirectUri,
      saved.codeVerifier,
      http,
    );
    return toTokenSet(await oauth.processAuthorizationCodeResponse(as, oauthClient, response));
  } catch (error) {
    throw toAuthAgentError(error, 'The code exchange');
  }
}
