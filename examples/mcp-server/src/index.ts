/** The example MCP server, and the agent side that reaches it with the stock MCP client. */
export {
  AgentOAuthProvider,
  type AgentProviderOptions,
  DEFAULT_REDIRECT_URL,
} from './agent-provider.js';
export { connectAsAgent } from './connect.js';
export { type AuthorizationResponse, signInHeadless } from './headless-sign-in.js';
export {
  createMcpServer,
  type McpServerOptions,
  REQUIRED_SCOPES,
  startMcpServer,
} from './mcp-server.js';
export { type Identity, identityOf } from './whoami.js';
