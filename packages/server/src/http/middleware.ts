import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { randomId } from '../crypto/random.js';
import { fixedFieldsLogger } from '../logger.js';
import { isHttps } from './https.js';
import { requestOf } from './request-context.js';

/**
 * One log line per request: method, path (never the query string, which carries state and
 * codes), status and duration, plus a request id echoed in `X-Request-Id`.
 */
export function requestLogging(logger: Logger): MiddlewareHandler {
  const access = fixedFieldsLogger(logger);
  return async (c, next) => {
    const started = performance.now();
    // The id http/request-context.ts gave the request (and sent in X-Request-Id).
    const requestId = requestOf(c)?.requestId ?? randomId('req');
    await next();
    access.info(
      {
        request_id_header: requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  };
}

/**
 * Baseline headers on every response; pages that need another CSP or referrer policy set
 * their own, which replaces these. Set before the handler runs: a header added after the
 * response exists makes Hono rebuild it around a stream body, which the benchmark's profile
 * showed costing about a tenth of the server's CPU per request.
 */
export function securityHeaders(issuer: string, trustProxy: boolean): MiddlewareHandler {
  const httpsIssuer = issuer.startsWith('https://');
  return async (c, next) => {
    const https = httpsIssuer || isHttps(c, trustProxy);
    c.header('X-Content-Type-Options', 'nosniff');
    // The console replaces it with `same-origin` so browsers send Origin on its form posts.
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    if (https) c.header('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    await next();
  };
}

/**
 * Refuses bodies over `maxBytes`. A declared Content-Length is checked from the header alone;
 * only a body without one (chunked) goes through Hono's counting `bodyLimit`. Hono's
 * middleware reads `c.req.raw.body` on every request, which makes @hono/node-server build a
 * full WHATWG Request, AbortSignal and ReadableStream even for a GET: the benchmark's
 * profile showed that costing more than a tenth of the server's CPU per request.
 */
export function bodySizeLimit(maxBytes: number, tooLarge: () => never): MiddlewareHandler {
  const counting = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (!/^\d{1,15}$/.test(declared) || Number(declared) > maxBytes) tooLarge();
      return next();
    }
    return counting(c, next);
  };
}
