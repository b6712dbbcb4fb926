import type { MiddlewareHandler } from 'hono';

/**
 * Whether the server is shutting down (start-server.ts, on SIGTERM or SIGINT). From that
 * moment readiness answers 503 so a load balancer stops sending new work, and every
 * response carries `Connection: close` (RFC 9112 §9.6) so that keep-alive clients, even
 * busy ones that send the next request as soon as an answer arrives, move elsewhere.
 */
export class Drain {
  private startedAt: number | undefined;

  get draining(): boolean {
    return this.startedAt !== undefined;
  }

  begin(): void {
    this.startedAt ??= Date.now();
  }
}

export function closeConnectionsWhileDraining(drain: Drain): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (drain.draining) c.res.headers.set('Connection', 'close');
  };
}
