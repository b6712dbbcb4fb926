import * as oauth from 'oauth4webapi';
import { AuthAgentError } from '../shared/errors.js';
import { isLoopback } from '../shared/issuer.js';
import { type DPoPKey, keyPairOf } from './dpop-key.js';

/** Options for {@link createDPoPFetch}. */
export interface DPoPFetchOptions {
  /** The key the access token is bound to. */
  key: DPoPKey;
  /** The DPoP-bound access token, or a function returning the current one (refresh). */
  accessToken: string | (() => string | Promise<string>);
  /** A fetch implementation (tests, proxies). Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Allow plain http outside localhost. Never in production. */
  allowInsecureRequests?: boolean;
}

/** A `fetch` that authenticates every request with a DPoP-bound token. */
export type DPoPFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

interface Attempt {
  response: Response;
  nonceRequested: boolean;
}

/**
 * Wraps `fetch` for a resource server that takes DPoP-bound tokens (RFC 9449 §7): each
 * request gets `Authorization: DPoP <token>` and a fresh proof (with `ath`) in the `DPoP`
 * header, made by oauth4webapi's DPoP handle. When the server asks for a nonce
 * (`use_dpop_nonce` with a `DPoP-Nonce` header, §9), the request is sent once more with a
 * proof carrying it; the nonce is remembered per origin for later requests. Redirects are
 * not followed, so the token and proof only go where the caller sent them.
 *
 * @example
 * ```ts
 * const key = await DPoPKey.generate();
 * // ... obtain an access token bound to key.thumbprint ...
 * const api = createDPoPFetch({ key, accessToken });
 * const response = await api('https://api.example.com/mcp', { method: 'POST', body });
 * ```
 */
export function createDPoPFetch(options: DPoPFetchOptions): DPoPFetch {
  const handle = oauth.DPoP({}, keyPairOf(options.key));
  const base = options.fetch ?? globalThis.fetch.bind(globalThis);
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const insecure = url.protocol === 'http:';
    if (insecure && !isLoopback(url.hostname) && !options.allowInsecureRequests)
      throw new AuthAgentError(
        'invalid_config',
        'DPoP requests need https outside localhost (or allowInsecureRequests).',
      );
    const token =
      typeof options.accessToken === 'function' ? await options.accessToken() : options.accessToken;
    // Read once so the nonce retry can send the same body again.
    const body = request.body ? await request.arrayBuffer() : null;
    const headers = new Headers(request.headers);
    headers.delete('authorization');
    headers.delete('dpop');
    const attempt = async (): Promise<Attempt> => {
      try {
        const response = await oauth.protectedResourceRequest(
          token,
          request.method,
          url,
          headers,
          body,
          {
            DPoP: handle,
            signal: request.signal,
            [oauth.allowInsecureRequests]: insecure,
            [oauth.customFetch]: (target, requestInit) => base(target, requestInit as RequestInit),
          },
        );
        return { response, nonceRequested: false };
      } catch (error) {
        // oauth4webapi throws for any WWW-Authenticate challenge; a fetch returns it.
        if (!(error instanceof oauth.WWWAuthenticateChallengeError)) throw error;
        return { response: error.response, nonceRequested: oauth.isDPoPNonceError(error) };
      }
    };
    const first = await attempt();
    if (!first.nonceRequested) return first.response;
    await first.response.body?.cancel();
    return (await attempt()).response;
  };
}
