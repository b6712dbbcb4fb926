import type { Context } from 'hono';
import { constantTimeEqual } from '../crypto/digest.js';
import { requestOf } from '../http/request-context.js';
import type { SecurityMetrics } from '../security/metrics.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function allowed(c: Context, token: string | undefined): boolean {
  if (token) {
    const presented = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    return presented !== undefined && constantTimeEqual(presented, token);
  }
  // Behind a proxy on the same host every request comes from loopback: those carry
  // X-Forwarded-For and are refused.
  const ip = requestOf(c)?.ip;
  return ip !== undefined && LOOPBACK.has(ip) && !c.req.header('x-forwarded-for');
}

/** GET /metrics: with METRICS_TOKEN as a bearer token, or from loopback when none is set. */
export function metricsEndpoint(metrics: SecurityMetrics, token: string | undefined) {
  return async (c: Context): Promise<Response> => {
    if (!allowed(c, token)) {
      return c.json(
        {
          error: 'access_denied',
          error_description: token
            ? 'Send the METRICS_TOKEN as a Bearer token.'
            : 'Metrics are served to loopback callers only; set METRICS_TOKEN to scrape remotely.',
        },
        token ? 401 : 403,
        { 'Cache-Control': 'no-store', ...(token ? { 'WWW-Authenticate': 'Bearer' } : {}) },
      );
    }
    const { body, contentType } = await metrics.render();
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  };
}
