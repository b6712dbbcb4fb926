import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
} from 'rate-limiter-flexible';

/**
 * Where fixed-window counters live: process memory by default, or Redis (REDIS_URL) so that
 * every instance counts against the same budget. ioredis is used because
 * rate-limiter-flexible drives it natively (atomic Lua increment via defineCommand) and it
 * reconnects on its own; with the offline queue off, a Redis outage fails fast and the
 * in-memory insurance limiter takes over, so requests are never blocked by Redis.
 */
export class CounterStore {
  readonly redis: Redis | undefined;
  /** Times Redis was lost and limits fell back to this instance (a metric). */
  fallbacks = 0;

  constructor(
    redisUrl: string | undefined,
    private readonly prefix: string,
    logger: Logger,
  ) {
    if (redisUrl) {
      this.redis = new Redis(redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
      });
      let warned = false;
      this.redis.on('error', (error: Error) => {
        if (warned) return;
        warned = true;
        this.fallbacks += 1;
        logger.warn(
          { err: { message: error.message } },
          'Redis unavailable; limits fall back to this instance',
        );
      });
      this.redis.on('ready', () => {
        warned = false;
      });
    }
  }

  /** Limits are counted in this process's memory although REDIS_URL is set. */
  get fallingBack(): boolean {
    return this.redis !== undefined && this.redis.status !== 'ready';
  }

  /** Waits (briefly) for Redis, so a fresh instance counts in the shared store at once. */
  async ready(timeoutMs = 3_000): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** A counter family: `points` per `duration` seconds, keyed under `name`. */
  limiter(name: string, points: number, duration: number): RateLimiterAbstract {
    const keyPrefix = `${this.prefix}:${name}`;
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!this.redis) return memory;
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  }

  async close(): Promise<void> {
    if (this.redis) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
