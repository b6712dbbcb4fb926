import type { Context } from 'hono';
import type { Drain } from '../http/drain.js';
import { OUTAGE_RETRY_AFTER } from '../http/error-response.js';
import type { ServerContext } from '../server-context.js';
import { within } from '../storage/database-availability.js';

const NO_STORE = { 'Cache-Control': 'no-store' };

export function healthEndpoint() {
  return (c: Context) => c.json({ status: 'ok' }, 200, NO_STORE);
}

/**
 * Readiness touches the database, so a load balancer stops routing to a broken instance; it
 * answers within READINESS_TIMEOUT_MS even when the database is silent, and 503 from the
 * moment a shutdown begins.
 */
export function readinessEndpoint(ctx: ServerContext, drain: Drain) {
  const unavailable = (c: Context, status: string) =>
    c.json({ status, database: ctx.db.kind }, 503, {
      ...NO_STORE,
      'Retry-After': String(OUTAGE_RETRY_AFTER),
    });
  return async (c: Context) => {
    const database = ctx.db.kind;
    if (drain.draining) return unavailable(c, 'shutting_down');
    try {
      await within(ctx.config.readinessTimeoutMs, ctx.db.query('SELECT 1'));
      return c.json({ status: 'ready', database }, 200, NO_STORE);
    } catch {
      return unavailable(c, 'unavailable');
    }
  };
}
