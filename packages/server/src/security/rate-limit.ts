import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config/load.js';
import type { RateLimitName } from '../config/rate-limits.js';
import { sha256 } from '../crypto/digest.js';
import { OAuthError } from '../errors.js';
import type { RequestOrigin } from '../request-info.js';
import type { CounterStore } from './counter-store.js';
import type { SecurityLog } from './security-log.js';

function isLimiterRes(value: unknown): value is RateLimiterRes {
  return typeof value === 'object' && value !== null && 'msBeforeNext' in value;
}

/** 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3) and an OAuth-style JSON body. */
function tooManyRequests(retryAfter: number): OAuthError {
  return new OAuthError(
    'rate_limited',
    `Too many requests; retry after ${retryAfter} seconds.`,
    429,
    { 'Retry-After': String(retryAfter) },
  );
}

/**
 * Counts requests against budgets (docs/security.md, "Rate limits"). Each named limit has a
 * per-IP and a per-identity budget per window; identities are hashed before they reach the
 * store (a sign-in request id is a bearer value). The first rejection of a key in a window
 * is a security event; the rest of a flood is only counted, so an attack cannot flood the
 * security log. http/rate-limit.ts decides what counts: every request on anonymous routes,
 * only failed authentications on routes where a principal authenticates.
 */
export class RateLimiters {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly config: Config,
    private readonly store: CounterStore,
    private readonly log: SecurityLog,
  ) {}

  /** Counts one request from the request's address; throws 429 past its budget. */
  async perIp(name: RateLimitName, request: RequestOrigin): Promise<void> {
    const limiter = this.limiter(`rl:${name}:ip`, this.config.rateLimits[name].perIp);
    await this.consume(limiter, request?.ip ?? 'unknown', name, 'ip', request);
  }

  /** Counts one request naming this identity (hashed first); throws 429 past its budget. */
  async perIdentity(name: RateLimitName, identity: string, request: RequestOrigin): Promise<void> {
    const limiter = this.limiter(`rl:${name}:id`, this.config.rateLimits[name].perIdentity);
    await this.consume(limiter, sha256(identity), name, 'identity', request);
  }

  /**
   * Throws 429 when the request's address has already spent this limit's budget, counting
   * the refused request too; otherwise counts nothing (failures are counted after the answer).
   */
  async ipSpent(name: RateLimitName, request: RequestOrigin): Promise<void> {
    const limiter = this.limiter(`rl:${name}:ip`, this.config.rateLimits[name].perIp);
    const key = request?.ip ?? 'unknown';
    const state = await limiter.get(key).catch(() => null);
    if (state && state.consumedPoints >= limiter.points)
      await this.consume(limiter, key, name, 'ip', request);
  }

  /** Counts one failed authentication from the request's address (never throws). */
  async ipFailed(name: RateLimitName, request: RequestOrigin): Promise<void> {
    await this.perIp(name, request).catch(() => {});
  }

  private limiter(key: string, points: number): RateLimiterAbstract {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = this.store.limiter(key, points, this.config.rateLimitWindow);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  private async consume(
    limiter: RateLimiterAbstract,
    key: string,
    name: RateLimitName,
    scope: 'ip' | 'identity',
    request: RequestOrigin,
  ): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      // A store error (no insurance left) must not lock everyone out: let the request through.
      if (!isLimiterRes(rejection)) return;
      if (rejection.consumedPoints === limiter.points + 1) {
        this.log.record(
          {
            event: 'rate_limit.exceeded',
            outcome: 'denied',
            target: { type: 'endpoint', id: name },
            details: { limit: name, scope, points: limiter.points },
          },
          request,
        );
      }
      throw tooManyRequests(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
  }
}
