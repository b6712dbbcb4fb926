import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';

type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A real HTTP server on a free loopback port, whose handler is given once its URL is known. */
export interface Listener {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Starts answering with `handler` (until then every request gets 503). */
  serve(handler: FetchHandler): void;
  close(): Promise<void>;
}

/**
 * Listens first, so that a server whose configuration names its own URL (an issuer, an MCP
 * server's resource identifier) can be built for the port it got.
 */
export async function listen(): Promise<Listener> {
  let handle: FetchHandler = () => new Response('not ready', { status: 503 });
  const server = createServer(getRequestListener((request) => handle(request)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    serve(handler) {
      handle = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
