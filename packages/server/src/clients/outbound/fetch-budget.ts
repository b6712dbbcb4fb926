import type { RequestOrigin } from '../../request-info.js';
import type { RateLimiters } from '../../security/rate-limit.js';

/**
 * The rate limits of outbound fetches (config/rate-limits.ts): per requesting address, per
 * host fetched from, and all fetches together, so neither one caller nor many can turn the
 * server into a crawler of someone's host. Throws 429 (rate_limited) when spent.
 */
export function fetchBudget(
  limits: RateLimiters,
): (host: string, request: RequestOrigin) => Promise<void> {
  return async (host, request) => {
    await limits.perIp('metadata_fetch', request);
    await limits.perIdentity('metadata_fetch', `host:${host}`, request);
    await limits.perIdentity('metadata_fetch_total', 'all', request);
  };
}

/**
 * The budget of posts to hosts owners named (sign-in notification webhooks): the same
 * per-host and overall budgets as fetches, not the per-address one, since the address is
 * the signing-in agent's and not the owner who chose the host.
 */
export function hostBudget(limits: RateLimiters): (host: string) => Promise<void> {
  return async (host) => {
    await limits.perIdentity('metadata_fetch', `host:${host}`, undefined);
    await limits.perIdentity('metadata_fetch_total', 'all', undefined);
  };
}
