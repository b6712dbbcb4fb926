import { startMcpServer } from './mcp-server.js';

// `npm start -w @auth-agent/example-mcp-server` with the settings in the environment.
const issuer = process.env.AUTH_AGENT_ISSUER ?? 'http://localhost:8787';
const port = Number(process.env.PORT ?? 8788);
const url = process.env.MCP_SERVER_URL ?? `http://localhost:${port}/mcp`;
const server = await startMcpServer({ issuer, url }, port);
console.log(`Example MCP server on ${url} (tokens from ${issuer})`);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void server.close());
