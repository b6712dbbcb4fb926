import type { MiddlewareHandler } from 'hono';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config/load.js';
import { sha256 } from '../crypto/digest.js';
import { OAuthError } from '../errors.js';
import { currentRequest } from '../http/request-context.js';
import type { CounterStore } from './counter-store.js';
import type { IdentityOf } from './identities.js';
import type { RateLimitName } from './rate-limit-policies.js';
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
 * Builds rate-limit middleware. Each named limit has a per-IP and a per-identity budget per
 * window; identities are hashed before they reach the store (a sign-in request id is a
 * bearer value). The first rejection of a key in a window is a security event; the rest
 * of a flood is only counted, so an attack cannot flood the security log.
 */
export class RateLimiters {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly config: Config,
    private readonly store: CounterStore,
    private readonly log: SecurityLog,
  ) {}

  middleware(name: RateLimitName, identityOf?: IdentityOf): MiddlewareHandler {
    const budget = this.config.rateLimits[name];
    const window = this.config.rateLimitWindow;
    const perIp = this.limiter(`rl:${name}:ip`, budget.perIp, window);
    const perIdentity = this.limiter(`rl:${name}:id`, budget.perIdentity, window);
    return async (c, next) => {
      const ip = currentRequest()?.ip ?? 'unknown';
      await this.consume(perIp, ip, name, 'ip');
      const identity = identityOf ? await identityOf(c) : undefined;
      if (identity) await this.consume(perIdentity, sha256(identity), name, 'identity');
      await next();
    };
  }

  private limiter(key: string, points: number, duration: number): RateLimiterAbstract {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = this.store.limiter(key, points, duration);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  private async consume(
    limiter: RateLimiterAbstract,
    key: string,
    name: RateLimitName,
    scope: 'ip' | 'identity',
  ): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      // A store error (no insurance left) must not lock everyone out: let the request through.
      if (!isLimiterRes(rejection)) return;
      if (rejection.consumedPoints === limiter.points + 1) {
        this.log.record({
          event: 'rate_limit.exceeded',
          outcome: 'denied',
          target: { type: 'endpoint', id: name },
          details: { limit: name, scope, points: limiter.points },
        });
      }
      throw tooManyRequests(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
  }
}
