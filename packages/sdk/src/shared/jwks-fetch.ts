import type * as oauth from 'oauth4webapi';
import type { HttpOptions } from './discovery.js';
import { AuthAgentError } from './errors.js';

/** Longest wait for the authorization server's key set. */
const JWKS_TIMEOUT_MS = 10_000;

type Fetcher = NonNullable<HttpOptions[typeof oauth.customFetch]>;

/**
 * Wraps the fetch used for the JWKS so that an unreachable or failing key set surfaces as
 * `network_error` (the resource answers 503) instead of looking like a bad token (401).
 * The function is created once per verifier: oauth4webapi shares one in-flight JWKS
 * request between concurrent verifications only when the fetch function is the same.
 *
 * @param base - the caller's fetch, or the global one
 */
export function jwksFetch(base: Fetcher | undefined): Fetcher {
  const send: Fetcher = base ?? ((url, init) => fetch(url, init));
  return async (url, init) => {
    let response: Response;
    try {
      response = await send(url, { ...init, signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
    } catch (cause) {
      throw new AuthAgentError(
        'network_error',
        "The authorization server's key set could not be fetched.",
        { cause },
      );
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new AuthAgentError(
        'network_error',
        `The authorization server's key set answered HTTP ${response.status}.`,
        { status: response.status },
      );
    }
    return response;
  };
}
