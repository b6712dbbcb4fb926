import {
  createResourceServer,
  getAccessToken,
  type ResourceServer,
} from '@auth-agent/sdk/resource-server';
import { serve } from '@hono/node-server';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';
import { registerWhoami } from './whoami.js';

export interface McpServerOptions {
  /** The Auth Agent server whose tokens are accepted. */
  issuer: string;
  /**
   * The MCP endpoint's public URL, e.g. `https://tools.example.com/mcp`. It is the resource
   * identifier (RFC 8707, RFC 9728): tokens must name it in `aud`.
   */
  url: string;
  /** Plain http off localhost; never in production. */
  allowInsecureRequests?: boolean;
}

/**
 * The scope the tool needs: one the MCP server defines when it is registered as an API
 * (`auth-agent api create … --scope tools.call`). Sent as the hint in the 401 challenge
 * (RFC 6750 §3), which the stock client then asks for.
 */
export const REQUIRED_SCOPES = ['tools.call'];

/**
 * The example MCP server: one tool, `whoami`, behind Auth Agent access tokens.
 * `GET /.well-known/oauth-protected-resource/mcp` (RFC 9728) tells a client which
 * authorization server to ask; a request to `/mcp` without a valid token for this server
 * gets 401 with `WWW-Authenticate: Bearer resource_metadata="…", scope="tools.call"`.
 */
export function createMcpServer(options: McpServerOptions): { app: Hono; api: ResourceServer } {
  const api = createResourceServer({
    issuer: options.issuer,
    resource: options.url,
    scopes: REQUIRED_SCOPES,
    resourceName: 'Auth Agent example MCP server',
    ...(options.allowInsecureRequests ? { allowInsecureRequests: true } : {}),
  });
  const { origin, pathname: path } = new URL(options.url);
  const app = new Hono();
  app.use('*', api.honoMetadataMiddleware());
  // MCP 2025-11-25, "Transports", security warning: a present, foreign Origin is refused
  // with 403, so a web page cannot reach a local server through DNS rebinding.
  app.use(path, async (c, next) => {
    const from = c.req.header('origin');
    if (from !== undefined && from !== origin) return c.text('Origin not allowed', 403);
    await next();
    return undefined;
  });
  app.use(path, api.honoMiddleware({ scopes: REQUIRED_SCOPES }));
  app.all(path, async (c) => {
    const access = getAccessToken(c);
    if (!access) throw new Error('the resource-server middleware did not run');
    // Stateless Streamable HTTP (MCP 2025-11-25, "Transports"): a server and a transport per
    // request, so each tool call runs with the token of its own request.
    const server = new McpServer({ name: 'auth-agent-example', version: '0.1.0' });
    registerWhoami(server, access);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    return transport.handleRequest(c.req.raw);
  });
  return { app, api };
}

/** Starts the server on `port` of 127.0.0.1 (0: any free port). */
export async function startMcpServer(options: McpServerOptions, port: number) {
  const { app, api } = createMcpServer(options);
  await api.ready();
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
