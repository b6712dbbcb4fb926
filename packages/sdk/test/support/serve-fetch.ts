import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedHandler {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Replaces the handler (the origin is known only after listening). */
  handle: (request: Request) => Response | Promise<Response>;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '');
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? null : Buffer.concat(chunks);
  return new Request(`${origin}${req.url ?? '/'}`, { method, headers, body });
}

/** Serves a Web-standard `(Request) => Response` handler over real HTTP on a random port. */
export async function serveFetch(): Promise<ServedHandler> {
  const served: ServedHandler = {
    origin: '',
    handle: () => new Response('not ready', { status: 503 }),
    close: async () => undefined,
  };
  const server: Server = createServer(async (req, res) => {
    try {
      const response = await served.handle(await toRequest(req, served.origin));
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      res.writeHead(response.status, headers);
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500);
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  served.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  served.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return served;
}
