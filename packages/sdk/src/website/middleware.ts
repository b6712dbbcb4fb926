import { authenticateBearer, type BearerAuthOptions, rememberToken } from './bearer.js';
import type { WebsiteClient } from './client.js';

/** The part of a Hono `Context` the middleware uses (no dependency on Hono). */
export interface HonoContextLike {
  req: { raw: Request };
}

/** The part of an Express (or node:http) request the middleware uses. */
export interface ExpressRequestLike {
  headers: { authorization?: string | undefined };
}

/** The part of an Express (or node:http) response the middleware uses. */
export interface ExpressResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/**
 * Hono middleware that lets a request through only with a valid Bearer access token for
 * this website. Read the token in the route with `getAccessToken(c)`.
 *
 * @param client - from {@link discover}
 * @param options - required scopes and realm
 *
 * @example
 * ```ts
 * app.use('/api/*', honoBearerAuth(client));
 * app.get('/api/me', (c) => c.json({ agent: getAccessToken(c)?.agentId }));
 * ```
 */
export function honoBearerAuth(client: WebsiteClient, options: BearerAuthOptions = {}) {
  return async (c: HonoContextLike, next: () => Promise<void>): Promise<Response | undefined> => {
    const outcome = await authenticateBearer(
      client,
      c.req.raw.headers.get('authorization'),
      options,
    );
    if ('refusal' in outcome) {
      const { status, headers, body } = outcome.refusal;
      return new Response(JSON.stringify(body), {
        status,
        headers: { ...headers, 'Content-Type': 'application/json' },
      });
    }
    rememberToken(c.req.raw, outcome.token);
    await next();
    return undefined;
  };
}

/**
 * Express middleware that lets a request through only with a valid Bearer access token for
 * this website. Read the token in the route with `getAccessToken(req)`.
 *
 * @param client - from {@link discover}
 * @param options - required scopes and realm
 *
 * @example
 * ```ts
 * app.use('/api', expressBearerAuth(client));
 * app.get('/api/me', (req, res) => res.json({ agent: getAccessToken(req)?.agentId }));
 * ```
 */
export function expressBearerAuth(client: WebsiteClient, options: BearerAuthOptions = {}) {
  return async (
    req: ExpressRequestLike,
    res: ExpressResponseLike,
    next: (error?: unknown) => void,
  ): Promise<void> => {
    try {
      const outcome = await authenticateBearer(client, req.headers.authorization, options);
      if ('refusal' in outcome) {
        const { status, headers, body } = outcome.refusal;
        res.statusCode = status;
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(body));
        return;
      }
      rememberToken(req, outcome.token);
      next();
    } catch (error) {
      next(error);
    }
  };
}
