import type { MiddlewareHandler } from 'hono';
import type { RateLimitName } from '../config/rate-limits.js';
import type { RateLimiters } from '../security/rate-limit.js';
import type { IdentityOf } from './rate-limit-identities.js';

/**
 * Rate-limit middleware for a route (security/rate-limit.ts counts): the address first, before
 * anything is parsed, then the identity the request names, read from its parsed input.
 */
export function rateLimit(
  limits: RateLimiters,
  name: RateLimitName,
  identityOf?: IdentityOf,
): MiddlewareHandler {
  return async (c, next) => {
    await limits.perIp(name);
    const identity = identityOf ? await identityOf(c) : undefined;
    if (identity) await limits.perIdentity(name, identity);
    await next();
  };
}
