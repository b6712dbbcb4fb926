import type { VerifiedAccessToken } from './verified-token.js';

const verifiedByRequest = new WeakMap<object, VerifiedAccessToken>();

/** @internal Remembers the verified token of a request for {@link getAccessToken}. */
export function rememberToken(request: object, token: VerifiedAccessToken): void {
  verifiedByRequest.set(request, token);
}

/**
 * The verified access token of a request that passed a Bearer or resource-server
 * middleware.
 *
 * @param request - Hono: `c` or `c.req.raw`; Express: `req`
 * @returns the token, or undefined when the request did not pass the middleware
 */
export function getAccessToken(
  request: object | { req: { raw: Request } },
): VerifiedAccessToken | undefined {
  const raw =
    'req' in request && typeof request.req === 'object' && request.req && 'raw' in request.req
      ? (request.req.raw as object)
      : request;
  return verifiedByRequest.get(raw);
}
