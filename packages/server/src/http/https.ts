import type { Context, MiddlewareHandler } from 'hono';

/** Whether the client reached us over https, directly or (with TRUST_PROXY) via the proxy. */
export function isHttps(c: Context, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (!trustProxy) return false;
  const proto = c.req.header('x-forwarded-proto')?.split(',').pop()?.trim().toLowerCase();
  return proto === 'https';
}

const PROBES = new Set(['/health', '/health/ready']);

/**
 * In production, plain-http requests are refused with a clear message rather than served
 * or redirected: a redirect would already have sent credentials in the clear. Health
 * probes from a load balancer on the private network are exempt.
 */
export function requireHttps(production: boolean, trustProxy: boolean): MiddlewareHandler {
  return async (c, next) => {
    if (!production || PROBES.has(c.req.path) || isHttps(c, trustProxy)) return next();
    return c.json(
      {
        error: 'invalid_request',
        error_description:
          'HTTPS is required. Use the https:// address of this server (behind a proxy, the proxy must send X-Forwarded-Proto: https and TRUST_PROXY must be set).',
      },
      403,
      { 'Cache-Control': 'no-store' },
    );
  };
}
