import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AgentOAuthProvider } from './agent-provider.js';

/**
 * Connects the stock MCP client to `url` as the provider's agent, the documented way: the
 * first attempt meets 401, and the stock client discovers, registers and sends the provider
 * to authorization; the code then goes to `finishAuth`, and a second transport connects
 * with the token.
 */
export async function connectAsAgent(url: URL, provider: AgentOAuthProvider): Promise<Client> {
  const client = new Client({ name: 'auth-agent-example-client', version: '0.1.0' });
  const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
  try {
    await client.connect(transport);
    return client;
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
  }
  await transport.finishAuth(provider.takeAuthorizationCode());
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  return client;
}
