import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

const tlsFile = (name: string) => readFileSync(new URL(`./tls/${name}`, import.meta.url), 'utf8');

/**
 * A self-signed certificate for 127.0.0.1 and localhost, for test servers only (its key is
 * in the repository). A server under test trusts it through `trustedCertificates`.
 */
export const LOOPBACK_TLS = {
  cert: tlsFile('loopback-cert.pem'),
  key: tlsFile('loopback-key.pem'),
};

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** What the test server saw: one entry per request (path and Host header). */
export interface Seen {
  path: string;
  host: string | undefined;
}

export interface DocumentServer {
  /** http://127.0.0.1:PORT, or https:// when started with `https` */
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
 * and JWKS to a server started with CLIENT_METADATA_ALLOW_LOOPBACK_HTTP=1. With `https`
 * it serves them with LOOPBACK_TLS, for clients that insist on an https client_id (the
 * stock MCP client does).
 */
export async function startDocumentServer(
  options: { https?: boolean } = {},
): Promise<DocumentServer> {
  const routes = new Map<string, Route>();
  const seen: Seen[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    seen.push({ path, host: req.headers.host });
    const route = routes.get(path);
    if (route) route(req, res);
    else res.writeHead(404).end();
  };
  const server = options.https ? createHttpsServer(LOOPBACK_TLS, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`,
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
