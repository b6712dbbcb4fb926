import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** What the test server saw: one entry per request (path and Host header). */
export interface Seen {
  path: string;
  host: string | undefined;
}

export interface DocumentServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  seen: Seen[];
  /** Serves `route` at `path` (replacing any earlier one). */
  route(path: string, route: Route): void;
  /** Serves `body` as JSON at `path`, with extra headers. */
  json(path: string, body: unknown, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server standing in for a client's website: it serves metadata documents
 * and JWKS to a server started with CLIENT_METADATA_ALLOW_LOOPBACK_HTTP=1.
 */
export async function startDocumentServer(): Promise<DocumentServer> {
  const routes = new Map<string, Route>();
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    seen.push({ path, host: req.headers.host });
    const route = routes.get(path);
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    seen,
    route: (path, route) => routes.set(path, route),
    json(path, body, headers = {}) {
      routes.set(path, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
