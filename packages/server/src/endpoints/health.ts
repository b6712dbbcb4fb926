import type { Context } from 'hono';
import { OUTAGE_RETRY_AFTER } from '../http/error-response.js';
import type { ServerContext } from '../server-context.js';
import { within } from '../storage/database-availability.js';

const NO_STORE = { 'Cache-Control': 'no-store' };

export function healthEndpoint() {
  return (c: Context) => c.json({ status: 'ok' }, 200, NO_STORE);
}

/**
 * Readiness touches the database, so a load balancer stops routing to a broken instance; it
 * answers within READINESS_TIMEOUT_MS even when the database is silent.
 */
export function readinessEndpoint(ctx: ServerContext) {
  return async (c: Context) => {
    const database = ctx.db.kind;
    try {
      await within(ctx.config.readinessTimeoutMs, ctx.db.query('SELECT 1'));
      return c.json({ status: 'ready', database }, 200, NO_STORE);
    } catch {
      return c.json({ status: 'unavailable', database }, 503, {
        ...NO_STORE,
        'Retry-After': String(OUTAGE_RETRY_AFTER),
      });
    }
  };
}
