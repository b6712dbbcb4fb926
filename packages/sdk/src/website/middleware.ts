import { type ExpressResponseLike, refusalResponse, sendRefusal } from '../shared/refusal.js';
import { authenticateBearer, type BearerAuthOptions, rememberToken } from './bearer.js';
import type { WebsiteClient } from './client.js';

export type { ExpressResponseLike } from '../shared/refusal.js';

/** The part of a Hono `Context` the middleware uses (no dependency on Hono). */
export interface HonoContextLike {
  req: { raw: Request };
}

/** The part of an Express (or node:http) request the middleware uses. */
export interface ExpressRequestLike {
  headers: { authorization?: string | undefined };
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
    if ('refusal' in outcome) return refusalResponse(outcome.refusal);
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
      if ('refusal' in outcome) return sendRefusal(res, outcome.refusal);
      rememberToken(req, outcome.token);
      next();
    } catch (error) {
      next(error);
    }
  };
}
