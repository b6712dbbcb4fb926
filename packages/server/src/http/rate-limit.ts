import type { MiddlewareHandler } from 'hono';
import type { RateLimitName } from '../config/rate-limits.js';
import type { RateLimiters } from '../security/rate-limit.js';
import type { IdentityOf } from './rate-limit-identities.js';
import { requestOf } from './request-context.js';

/**
 * Rate limit for an anonymous route (security/rate-limit.ts counts): every request counts,
 * the address first, before anything is parsed, then the identity the request names.
 */
export function rateLimit(
  limits: RateLimiters,
  name: RateLimitName,
  identityOf?: IdentityOf,
): MiddlewareHandler {
  return async (c, next) => {
    const request = requestOf(c);
    await limits.perIp(name, request);
    const identity = identityOf ? await identityOf(c) : undefined;
    if (identity) await limits.perIdentity(name, identity, request);
    await next();
  };
}

/** A refusal or a failure the caller caused; 429 and 5xx are neither counted again. */
function failed(status: number): boolean {
  return status >= 400 && status < 500 && status !== 429;
}

/**
 * Rate limit for a route where a principal authenticates (token, introspection, revocation,
 * agent sign-in, console log-in): only requests that did not authenticate count, after
 * their answer, so a busy website or agent is never throttled by its own successes.
 * - Per address: an address that spent its budget of failures is refused before any work.
 * - Per identity: failures for one client, agent or email from every address together;
 *   past the budget a failing request is answered 429 instead of its failure. Requests that
 *   authenticate are never refused by it, so a stranger cannot aim it at the owner (lockout
 *   and the hashing budget bound the work those failures cost: docs/security.md).
 */
export function failureRateLimit(
  limits: RateLimiters,
  name: RateLimitName,
  identityOf: IdentityOf,
): MiddlewareHandler {
  return async (c, next) => {
    const request = requestOf(c);
    await limits.ipSpent(name, request);
    await next();
    if (request?.authenticated || !failed(c.res.status)) return;
    await limits.ipFailed(name, request);
    const identity = await identityOf(c);
    if (identity) await limits.perIdentity(name, identity, request);
  };
}
