import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { SecurityMetrics } from '../security/metrics.js';

/** Latency per matched route pattern (never the raw path, which would explode labels). */
export function requestTiming(metrics: SecurityMetrics): MiddlewareHandler {
  return async (c, next) => {
    const stop = metrics.requestTimer();
    await next();
    const route = c.res.status === 404 ? 'unmatched' : routePath(c, -1);
    stop({ method: c.req.method, route, status: String(c.res.status) });
  };
}
