import type { Context } from 'hono';
import type { ServerContext } from '../server-context.js';

export function healthEndpoint() {
  return (c: Context) => c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' });
}

/** Readiness touches the database, so a load balancer stops routing to a broken instance. */
export function readinessEndpoint(ctx: ServerContext) {
  return async (c: Context) => {
    try {
      await ctx.db.query('SELECT 1');
      return c.json({ status: 'ready', database: ctx.db.kind }, 200, {
        'Cache-Control': 'no-store',
      });
    } catch {
      return c.json({ status: 'unavailable', database: ctx.db.kind }, 503, {
        'Cache-Control': 'no-store',
      });
    }
  };
}
