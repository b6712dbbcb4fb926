import type { VerifiedAccessToken } from '@auth-agent/sdk/resource-server';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/** What the `whoami` tool answers: the caller as the verified access token names it. */
export interface Identity {
  /** The agent (`sub`). */
  agentId: string;
  /** The model the agent declared when it signed in. */
  model: string | undefined;
  /** The MCP client the token was issued to (`client_id`): a metadata URL or a registered id. */
  clientId: string;
  /** Who the token is for (`aud`): this MCP server's URL. */
  audience: unknown;
  scopes: string[];
  /** Expiry, in seconds since the epoch. */
  expiresAt: number;
}

export function identityOf(access: VerifiedAccessToken): Identity {
  return {
    agentId: access.agentId,
    model: access.model,
    clientId: access.clientId,
    audience: access.claims.aud,
    scopes: access.scopes,
    expiresAt: access.expiresAt,
  };
}

/**
 * Registers the one tool of this server. `access` is the token of the HTTP request being
 * answered: the server is built per request (the transport is stateless), so a tool can
 * never see another caller's token.
 */
export function registerWhoami(server: McpServer, access: VerifiedAccessToken): void {
  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description: 'The agent calling this tool, as its Auth Agent access token names it.',
    },
    () => {
      const identity = identityOf(access);
      return {
        content: [{ type: 'text', text: JSON.stringify(identity) }],
        structuredContent: { ...identity },
      };
    },
  );
}
