import {
  AgentOAuthProvider,
  connectAsAgent,
  createMcpServer,
  DEFAULT_REDIRECT_URL,
  type Identity,
  REQUIRED_SCOPES,
} from '@auth-agent/example-mcp-server';
import { AuthAgent } from '@auth-agent/sdk/agent';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DocumentServer,
  LOOPBACK_TLS,
  startDocumentServer,
} from './support/document-server.js';
import { obtainTokens } from './support/flow.js';
import type { AgentFixture, Harness } from './support/harness.js';
import { createHarness } from './support/harness.js';
import { type Listener, listen } from './support/listener.js';

// MCP authorization (MCP 2025-11-25) end to end, with the stock @modelcontextprotocol/sdk
// client against this server over real HTTP: discovery (RFC 9728, then RFC 8414),
// registration by Client ID Metadata Document or by RFC 7591, PKCE, `resource` (RFC 8707),
// the agent's sign-in done by the agent SDK, then a tool call on the example MCP server
// (examples/mcp-server), which checks the token offline with the SDK's resource-server helper.
//
// The stock client only uses an https client_id URL, so the metadata document is served
// over https on loopback with a test certificate the server is told to trust
// (CLIENT_METADATA_ALLOW_LOOPBACK_HTTP=1 allows loopback addresses, development only).

let issuer: Listener;
let serverA: Listener;
let serverB: Listener;
let docs: DocumentServer;
let h: Harness;
let agentFixture: AgentFixture;
let metadataUrl: string;

const mcpUrl = (listener: Listener) => new URL('/mcp', listener.origin);

beforeAll(async () => {
  [issuer, serverA, serverB] = await Promise.all([listen(), listen(), listen()]);
  docs = await startDocumentServer({ https: true });
  h = await createHarness(
    { ISSUER: issuer.origin, CLIENT_METADATA_ALLOW_LOOPBACK_HTTP: '1' },
    { trustedCertificates: [LOOPBACK_TLS.cert] },
  );
  issuer.serve((request) => h.app.fetch(request));
  for (const listener of [serverA, serverB])
    listener.serve(
      createMcpServer({ issuer: issuer.origin, url: mcpUrl(listener).href }).app.fetch,
    );
  const owner = await h.createUser();
  agentFixture = await h.createAgent(owner.email, { email: 'ada@example.com' });
  // Each MCP server is an API whose identifier is its URL (RFC 8707), defining the scope
  // its tool needs.
  for (const listener of [serverA, serverB])
    await h.createApi(owner.email, { identifier: mcpUrl(listener).href, scopes: REQUIRED_SCOPES });
  metadataUrl = `${docs.origin}/mcp-client.json`;
  docs.json(metadataUrl.slice(docs.origin.length), {
    client_id: metadataUrl,
    client_name: 'Example MCP agent',
    redirect_uris: [DEFAULT_REDIRECT_URL],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  });
});
afterAll(async () => {
  await Promise.all([issuer, serverA, serverB, docs].map((server) => server?.close()));
  await h?.dispose();
});

function agent() {
  return new AuthAgent({
    issuer: issuer.origin,
    agentId: agentFixture.agent_id,
    agentSecret: agentFixture.agent_secret,
    model: 'mcp-test-model',
  });
}

function provider(registration: 'cimd' | 'dcr') {
  return new AgentOAuthProvider({
    agent: agent(),
    ...(registration === 'cimd' ? { clientMetadataUrl: metadataUrl } : {}),
  });
}

/**
 * The stock client's first connection: 401, discovery, registration, the authorization
 * request (signed in by the agent in the provider), then the code exchange (`finishAuth`).
 */
async function authorize(registration: 'cimd' | 'dcr', server = serverA) {
  const oauth = provider(registration);
  const transport = new StreamableHTTPClientTransport(mcpUrl(server), { authProvider: oauth });
  const first = new Client({ name: 'mcp-e2e', version: '0' });
  await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
  await transport.finishAuth(oauth.takeAuthorizationCode());
  return oauth;
}

/** An MCP `initialize` POSTed to `server`, with extra headers (a token, an Origin). */
function initialize(server: Listener, headers: Record<string, string> = {}) {
  return fetch(mcpUrl(server), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'mcp-e2e', version: '0' },
      },
    }),
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('the example MCP server, before any token', () => {
  it('answers 401 with the RFC 9728 metadata URL and the scope it needs', async () => {
    const response = await initialize(serverA);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${serverA.origin}/.well-known/oauth-protected-resource/mcp", scope="tools.call"`,
    );
    const metadata = await fetch(`${serverA.origin}/.well-known/oauth-protected-resource/mcp`);
    expect(await metadata.json()).toMatchObject({
      resource: mcpUrl(serverA).href,
      authorization_servers: [issuer.origin],
      scopes_supported: ['tools.call'],
    });
  });

  it('refuses a request from a foreign Origin (DNS rebinding, MCP transports) with 403', async () => {
    expect((await initialize(serverA, { origin: 'http://rebound.example' })).status).toBe(403);
    // Its own origin passes on to the token check.
    expect((await initialize(serverA, { origin: serverA.origin })).status).toBe(401);
  });

  it('refuses a token that is not a JWT of the issuer', async () => {
    const response = await initialize(serverA, bearer('not-a-token'));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe.each(['cimd', 'dcr'] as const)('the stock MCP client, registering by %s', (how) => {
  it('discovers, registers, sends the agent to sign in, and gets a token for the agent', async () => {
    const before = docs.seen.length;
    const oauth = await authorize(how);
    const [request] = oauth.authorizationUrls;
    expect(request?.origin).toBe(issuer.origin);
    expect(request?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(request?.searchParams.get('resource')).toBe(mcpUrl(serverA).href);
    expect(request?.searchParams.get('scope')).toBe('tools.call');
    const client = oauth.clientInformation();
    if (how === 'cimd') {
      expect(client?.client_id).toBe(metadataUrl);
      expect(docs.seen.length).toBeGreaterThan(before);
    } else {
      expect(client?.client_id).toMatch(/^client_/);
      expect(docs.seen.length).toBe(before);
    }
    const tokens = oauth.tokens();
    expect(tokens?.refresh_token).toBeTruthy();
    const claims = decodeJwt(tokens?.access_token ?? '');
    expect(claims).toMatchObject({
      iss: issuer.origin,
      sub: agentFixture.agent_id,
      client_id: client?.client_id,
      model: 'mcp-test-model',
      aud: mcpUrl(serverA).href,
      scope: 'tools.call',
    });
  });

  it('calls whoami and gets the agent, with a token whose aud is the MCP server', async () => {
    const oauth = provider(how);
    const client = await connectAsAgent(mcpUrl(serverA), oauth);
    const result = await client.callTool({ name: 'whoami' });
    await client.close();
    const identity = result.structuredContent as unknown as Identity;
    expect(identity).toMatchObject({
      agentId: agentFixture.agent_id,
      model: 'mcp-test-model',
      clientId: oauth.clientInformation()?.client_id,
      audience: mcpUrl(serverA).href,
    });
    expect(decodeJwt(oauth.tokens()?.access_token ?? '').aud).toBe(mcpUrl(serverA).href);
  });
});

describe('audience', () => {
  it('a token for MCP server A is refused by MCP server B', async () => {
    const oauth = await authorize('dcr', serverA);
    const token = oauth.tokens()?.access_token ?? '';
    expect((await initialize(serverA, bearer(token))).status).toBe(200);
    const refused = await initialize(serverB, bearer(token));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(refused.headers.get('www-authenticate')).toContain(
      `resource_metadata="${serverB.origin}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it("refuses the agent's token for a website (no resource: aud is the client)", async () => {
    const owner = await h.createUser();
    const website = await h.createClient(owner.email);
    const tokens = await obtainTokens(h, website, agentFixture);
    expect(decodeJwt(tokens.access_token).aud).toBe(website.client_id);
    const refused = await initialize(serverA, bearer(tokens.access_token));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
