import * as oauth from 'oauth4webapi';
import { AuthAgentError } from '../shared/errors.js';
import { internalsOf, type WebsiteClient } from './client.js';

/**
 * What the website must remember between redirecting the browser and handling the
 * callback. Keep it server-side or in a sealed HttpOnly cookie (see `tokenCookies`).
 */
export interface AuthorizationTransaction {
  /** The `state` sent to the server (CSRF protection, RFC 6749 §10.12). */
  state: string;
  /** The PKCE code verifier (RFC 7636); never sent to the browser. */
  codeVerifier: string;
}

/** Options for {@link createAuthorizationUrl}. */
export interface AuthorizationUrlOptions {
  /** Scopes for this request; defaults to the client's scope. */
  scope?: string;
  /** Extra authorization request parameters (not the ones the SDK sets). */
  extraParams?: Record<string, string>;
}

/** What {@link createAuthorizationUrl} returns. */
export interface AuthorizationUrl extends AuthorizationTransaction {
  /** Send the browser here (HTTP 302). */
  url: URL;
}

const RESERVED = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'state',
  'code_challenge',
  'code_challenge_method',
  'scope',
]);

/**
 * Builds the authorization request (code flow with PKCE S256 and a fresh `state`).
 *
 * @param client - from {@link discover}
 * @param options - scope and extra parameters
 * @returns the URL to redirect to, plus the `state` and `codeVerifier` to save
 * @throws {@link AuthAgentError} `invalid_config` for reserved extra parameters
 *
 * @example
 * ```ts
 * const { url, state, codeVerifier } = await createAuthorizationUrl(client);
 * // save { state, codeVerifier } (sealed cookie), then redirect to url
 * ```
 */
export async function createAuthorizationUrl(
  client: WebsiteClient,
  options: AuthorizationUrlOptions = {},
): Promise<AuthorizationUrl> {
  const { as } = internalsOf(client);
  if (!as.authorization_endpoint)
    throw new AuthAgentError('invalid_config', 'The server has no authorization endpoint.');
  const state = oauth.generateRandomState();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const url = new URL(as.authorization_endpoint);
  for (const [name, value] of Object.entries(options.extraParams ?? {})) {
    if (RESERVED.has(name))
      throw new AuthAgentError('invalid_config', `The parameter ${name} is set by the SDK.`);
    url.searchParams.set(name, value);
  }
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('redirect_uri', client.redirectUri);
  url.searchParams.set('scope', options.scope ?? client.scope);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return { url, state, codeVerifier };
}
