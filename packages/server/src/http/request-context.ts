import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { randomId } from '../crypto/random.js';
import type { RequestInfo } from '../request-info.js';

declare module 'hono' {
  interface ContextVariableMap {
    requestInfo: RequestInfo;
  }
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // In-process requests (app.request in tests) have no socket.
    return undefined;
  }
}

/**
 * The client's address. X-Forwarded-For is believed only with TRUST_PROXY, and then only
 * its last entry: the one our own proxy appended. Earlier entries are the client's to forge.
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded?.split(',').pop()?.trim();
    if (last && /^[0-9a-fA-F.:]{2,45}$/.test(last)) return last;
  }
  return socketAddress(c) ?? 'unknown';
}

const UPSTREAM_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * Gives each request an id (echoed in X-Request-Id, written on every log line and security
 * event it causes) and keeps it with the caller's address and user agent on the Hono
 * context (requestOf), from where handlers pass it down. A trusted proxy's own X-Request-Id
 * is kept so logs join up.
 */
export function requestContext(trustProxy: boolean): MiddlewareHandler {
  return async (c, next) => {
    const upstream = trustProxy ? c.req.header('x-request-id') : undefined;
    const requestId = upstream && UPSTREAM_ID.test(upstream) ? upstream : randomId('req');
    c.header('X-Request-Id', requestId);
    c.set('requestInfo', {
      requestId,
      ip: clientIp(c, trustProxy),
      userAgent: c.req.header('user-agent')?.slice(0, 512),
    });
    await next();
  };
}

/** The request requestContext() described; undefined only on an app built without it. */
export function requestOf(c: Context): RequestInfo | undefined {
  return c.get('requestInfo');
}
