import * as oauth from 'oauth4webapi';
import { AuthAgentError } from './errors.js';
import { isInsecure, issuerString } from './issuer.js';
import { type RetryPolicy, withRetry } from './retry.js';

/** The transport options passed to every oauth4webapi request. */
export interface HttpOptions {
  [oauth.allowInsecureRequests]?: boolean;
  [oauth.customFetch]?: (
    url: string,
    options: oauth.CustomFetchOptions<string, URLSearchParams | undefined>,
  ) => Promise<Response>;
}

/**
 * The oauth4webapi transport options for one issuer: plain http only when the issuer itself
 * is http (already checked by `parseIssuer`), and the caller's fetch when given.
 *
 * @param issuerUrl - from `parseIssuer`
 * @param customFetch - a fetch implementation, or undefined for the global one
 */
export function httpOptionsFor(issuerUrl: URL, customFetch: typeof fetch | undefined): HttpOptions {
  return {
    [oauth.allowInsecureRequests]: isInsecure(issuerUrl),
    ...(customFetch
      ? { [oauth.customFetch]: (url: string, init: RequestInit) => customFetch(url, init) }
      : {}),
  };
}

/**
 * Fetches `/.well-known/oauth-authorization-server` (RFC 8414) and checks that it names
 * the configured issuer (§3.3). Discovery is a safe GET, often made at start-up before the
 * server is up, so it is retried.
 *
 * @throws {@link AuthAgentError} `discovery_failed`
 */
export async function discoverAuthorizationServer(
  issuerUrl: URL,
  http: HttpOptions,
  retry?: RetryPolicy,
): Promise<oauth.AuthorizationServer> {
  try {
    const response = await withRetry(
      () => oauth.discoveryRequest(issuerUrl, { ...http, algorithm: 'oauth2' }),
      retry,
    );
    return await oauth.processDiscoveryResponse(new URL(issuerString(issuerUrl)), response);
  } catch (error) {
    throw new AuthAgentError(
      'discovery_failed',
      `Could not read the metadata of ${issuerString(issuerUrl)}.`,
      { cause: error },
    );
  }
}
