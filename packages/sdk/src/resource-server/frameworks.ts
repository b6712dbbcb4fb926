import { type ExpressResponseLike, sendRefusal } from '../shared/refusal.js';
import { rememberToken } from '../shared/request-token.js';
import type { VerifiedAccessToken } from '../shared/verified-token.js';
import { ResourceServerError } from './challenge.js';
import {
  answerMetadata,
  type MetadataLocation,
  type PlainAnswer,
  type ProtectedResourceMetadata,
} from './metadata.js';
import type { IncomingRequest, ProtectOptions } from './resource-server.js';

/** The part of a Hono `Context` the middlewares use (no dependency on Hono). */
export interface HonoContextLike {
  req: { raw: Request };
}

/** The part of an Express (or node:http) request the middlewares use. */
export interface ExpressRequestLike {
  method?: string | undefined;
  /** Express keeps the full target here when a router strips a mount path from `url`. */
  originalUrl?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

type HonoMiddleware = (
  c: HonoContextLike,
  next: () => Promise<void>,
) => Promise<Response | undefined>;
type ExpressMiddleware = (
  req: ExpressRequestLike,
  res: ExpressResponseLike,
  next: (error?: unknown) => void,
) => Promise<void>;

/** The middlewares of a resource server. */
export interface FrameworkAdapters {
  /** Hono middleware: only valid tokens pass; read it with `getAccessToken(c)`. */
  honoMiddleware(options?: ProtectOptions): HonoMiddleware;
  /** Hono middleware answering the RFC 9728 metadata paths; other requests pass. */
  honoMetadataMiddleware(): HonoMiddleware;
  /** Express middleware: only valid tokens pass; read it with `getAccessToken(req)`. */
  expressMiddleware(options?: ProtectOptions): ExpressMiddleware;
  /** Express middleware answering the RFC 9728 metadata paths; other requests pass. */
  expressMetadataMiddleware(): ExpressMiddleware;
}

interface Core {
  verify(request: Request, options?: ProtectOptions): Promise<VerifiedAccessToken>;
  verifyIncoming(incoming: IncomingRequest, options?: ProtectOptions): Promise<VerifiedAccessToken>;
  document: Readonly<ProtectedResourceMetadata>;
  location: MetadataLocation;
}

function single(value: string | string[] | undefined): string | null {
  // Node joins repeated headers with ", "; an array (or a join) is never one valid value.
  if (Array.isArray(value)) return value.join(', ');
  return value ?? null;
}

function target(req: ExpressRequestLike): string {
  return req.originalUrl ?? req.url ?? '/';
}

function sendPlain(res: ExpressResponseLike, answer: PlainAnswer): void {
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body);
}

/** @internal Builds the Hono and Express middlewares around the framework-free checks. */
export function frameworkAdapters(core: Core): FrameworkAdapters {
  const answerFor = (method: string, pathname: string) =>
    answerMetadata(core.document, core.location, method, pathname);
  return {
    honoMiddleware: (options) => async (c, next) => {
      try {
        rememberToken(c.req.raw, await core.verify(c.req.raw, options));
      } catch (error) {
        if (error instanceof ResourceServerError) return error.toResponse();
        throw error;
      }
      await next();
      return undefined;
    },
    honoMetadataMiddleware: () => async (c, next) => {
      const answer = answerFor(c.req.raw.method, new URL(c.req.raw.url).pathname);
      if (answer) return new Response(answer.body || null, answer);
      await next();
      return undefined;
    },
    expressMiddleware: (options) => async (req, res, next) => {
      try {
        const access = await core.verifyIncoming(
          {
            method: req.method ?? 'GET',
            pathAndQuery: target(req),
            authorization: single(req.headers.authorization),
            dpop: single(req.headers.dpop),
          },
          options,
        );
        rememberToken(req, access);
        next();
      } catch (error) {
        if (error instanceof ResourceServerError) return sendRefusal(res, error.refusal);
        next(error);
      }
    },
    expressMetadataMiddleware: () => async (req, res, next) => {
      const answer = answerFor(req.method ?? 'GET', target(req).split('?')[0] ?? '/');
      if (answer) return sendPlain(res, answer);
      next();
    },
  };
}
