import { AuthAgent } from '@auth-agent/sdk/agent';
import { AgentOAuthProvider } from './agent-provider.js';
import { connectAsAgent } from './connect.js';

// `npm run whoami -w @auth-agent/example-mcp-server`: an agent connects to the example MCP
// server with the stock MCP client, signs in with Auth Agent, and calls `whoami`.
function need(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`whoami: set ${name}`);
    process.exit(2);
  }
  return value;
}

const agent = new AuthAgent({
  issuer: process.env.AUTH_AGENT_ISSUER ?? 'http://localhost:8787',
  agentId: need('AUTH_AGENT_ID'),
  agentSecret: need('AUTH_AGENT_SECRET'),
  model: process.env.AUTH_AGENT_MODEL ?? 'example-model',
});
const provider = new AgentOAuthProvider({
  agent,
  ...(process.env.CLIENT_METADATA_URL
    ? { clientMetadataUrl: process.env.CLIENT_METADATA_URL }
    : {}),
});
const client = await connectAsAgent(
  new URL(process.env.MCP_SERVER_URL ?? 'http://localhost:8788/mcp'),
  provider,
);
const result = await client.callTool({ name: 'whoami' });
console.log(JSON.stringify(result.structuredContent, null, 2));
await client.close();
