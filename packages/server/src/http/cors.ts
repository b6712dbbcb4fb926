import type { Context, MiddlewareHandler } from 'hono';

// DPoP (RFC 9449) proofs come in their own header, from browser apps too.
const ALLOW_HEADERS = 'Authorization, Content-Type, DPoP';
const EXPOSE_HEADERS = 'Retry-After, X-Request-Id, WWW-Authenticate';
// Browser-based OAuth clients may also send DPoP proofs (RFC 9449 §4.1) and read the nonce.
const OPEN_ALLOW_HEADERS = 'Authorization, Content-Type, DPoP';
const OPEN_EXPOSE_HEADERS = `${EXPOSE_HEADERS}, DPoP-Nonce`;

function isPreflight(c: Context): boolean {
  return c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;
}

/**
 * CORS (Fetch standard) for the API that only configured front ends may call: CORS_ORIGINS,
 * empty by default. A disallowed origin simply gets no CORS headers, so the browser
 * withholds the response. Credentials are never allowed.
 */
export function cors(configured: readonly string[]): MiddlewareHandler {
  const allowed = new Set(configured);
  return async (c: Context, next) => {
    const origin = c.req.header('origin');
    const ok = origin !== undefined && allowed.has(origin);
    if (isPreflight(c)) {
      if (!ok) return c.body(null, 403, { Vary: 'Origin' });
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    // Set before the handler: they depend on the origin alone, Hono merges them into every
    // response the context builds (errors included), and a header added after the response
    // exists makes Hono rebuild it around a stream body (see http/middleware.ts).
    c.header('Vary', 'Origin', { append: true });
    if (ok) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
    await next();
  };
}

/**
 * CORS for endpoints any web page may call (docs/security.md, "CORS"): `*`, never with
 * credentials. Safe where a request carries everything that authenticates it (client
 * credentials, a bearer token, a registration access token) and no cookie counts: the
 * public metadata and JWKS, /register, /token, /revoke and /userinfo. Browser-based and
 * MCP clients, whose origin the server cannot know in advance, need exactly these.
 */
export function openCors(methods: string): MiddlewareHandler {
  return async (c: Context, next) => {
    if (isPreflight(c))
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': methods,
        'Access-Control-Allow-Headers': OPEN_ALLOW_HEADERS,
        'Access-Control-Max-Age': '600',
      });
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Access-Control-Expose-Headers', OPEN_EXPOSE_HEADERS);
    await next();
  };
}
