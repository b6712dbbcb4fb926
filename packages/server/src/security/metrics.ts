import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { constantTimeEqual } from '../crypto/digest.js';
import { currentRequest } from '../http/request-context.js';
import type { SqlExecutor } from '../storage/driver.js';
import { SECURITY_EVENTS, SECURITY_OUTCOMES, type SecurityEvent } from './events.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Prometheus metrics on a registry of their own (several servers in one process, as in the
 * tests, do not collide): a counter per security event and outcome, request latency per
 * route, and the number of active grants, read from the database at scrape time.
 */
export class SecurityMetrics {
  readonly registry = new Registry();
  private readonly events: Counter<'event' | 'outcome'>;
  private readonly latency: Histogram<'method' | 'route' | 'status'>;

  constructor(db: SqlExecutor) {
    this.events = new Counter({
      name: 'auth_agent_security_events_total',
      help: 'Security events by kind and outcome.',
      labelNames: ['event', 'outcome'],
      registers: [this.registry],
    });
    for (const event of SECURITY_EVENTS)
      for (const outcome of SECURITY_OUTCOMES) this.events.inc({ event, outcome }, 0);
    this.latency = new Histogram({
      name: 'auth_agent_http_request_duration_seconds',
      help: 'HTTP request latency by route.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'auth_agent_active_grants',
      help: 'Grants (agent sign-ins to websites) neither revoked nor expired.',
      registers: [this.registry],
      async collect() {
        const [row] = await db.query<{ n: string }>('SELECT security_active_grants()::text AS n');
        this.set(Number(row?.n ?? 0));
      },
    });
  }

  countEvent(event: SecurityEvent): void {
    this.events.inc({ event: event.event, outcome: event.outcome });
  }

  /** Latency per matched route pattern (never the raw path, which would explode labels). */
  timing(): MiddlewareHandler {
    return async (c, next) => {
      const stop = this.latency.startTimer();
      await next();
      const route = c.res.status === 404 ? 'unmatched' : routePath(c, -1);
      stop({ method: c.req.method, route, status: String(c.res.status) });
    };
  }

  /** GET /metrics: with METRICS_TOKEN as a bearer token, or from loopback when none is set. */
  endpoint(token: string | undefined) {
    return async (c: Context): Promise<Response> => {
      if (!this.allowed(c, token)) {
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
      const body = await this.registry.metrics();
      return c.body(body, 200, {
        'Content-Type': this.registry.contentType,
        'Cache-Control': 'no-store',
      });
    };
  }

  private allowed(c: Context, token: string | undefined): boolean {
    if (token) {
      const presented = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      return presented !== undefined && constantTimeEqual(presented, token);
    }
    // Behind a proxy on the same host every request comes from loopback: those carry
    // X-Forwarded-For and are refused.
    const ip = currentRequest()?.ip;
    return ip !== undefined && LOOPBACK.has(ip) && !c.req.header('x-forwarded-for');
  }
}
