import type { Context, MiddlewareHandler } from 'hono';
import type { SqlExecutor } from '../storage/driver.js';

const ALLOW_HEADERS = 'Authorization, Content-Type';
const EXPOSE_HEADERS = 'Retry-After, X-Request-Id, WWW-Authenticate';

/**
 * Origins of public clients (browser apps), from their registered redirect URIs. They may
 * call the token and revocation endpoints from the browser (OAuth 2.1 §7.1 browser-based
 * apps); the list is cached for a few seconds since a preflight carries no client_id.
 */
export class PublicClientOrigins {
  private cached: { origins: Set<string>; at: number } | undefined;

  constructor(
    private readonly db: SqlExecutor,
    private readonly maxAgeMs = 10_000,
  ) {}

  async has(origin: string): Promise<boolean> {
    if (!this.cached || Date.now() - this.cached.at > this.maxAgeMs) {
      const rows = await this.db.query<{ uri: string }>(
        'SELECT security_public_client_redirect_uris AS uri FROM security_public_client_redirect_uris()',
      );
      const origins = new Set<string>();
      for (const { uri } of rows) {
        try {
          origins.add(new URL(uri).origin);
        } catch {}
      }
      this.cached = { origins, at: Date.now() };
    }
    return this.cached.origins.has(origin);
  }
}

/**
 * CORS (Fetch standard): only CORS_ORIGINS, empty by default, get access; `publicOrigins`
 * adds the registered origins of public clients on the routes that pass it. A disallowed
 * origin simply gets no CORS headers, so the browser withholds the response. Credentials
 * are never allowed: the API is authenticated by headers, not cookies.
 */
export function cors(
  configured: readonly string[],
  publicOrigins?: PublicClientOrigins,
): MiddlewareHandler {
  const allowed = new Set(configured);
  const isAllowed = async (origin: string) =>
    allowed.has(origin) || (publicOrigins !== undefined && (await publicOrigins.has(origin)));
  return async (c: Context, next) => {
    const origin = c.req.header('origin');
    const ok = origin !== undefined && (await isAllowed(origin));
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
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
