import { AuthAgent, requestIdFrom } from '../../src/agent/index.js';
import {
  type AuthorizationTransaction,
  type AuthorizationUrlOptions,
  createAuthorizationUrl,
  handleCallback,
  type TokenSet,
  type WebsiteClient,
} from '../../src/website/index.js';
import { httpBrowser } from './browser.js';
import type { ServerFixtures } from './server.js';

export interface CompletedSignIn {
  /** The callback URL the browser was sent back to. */
  callbackUrl: string;
  /** What the website saved before redirecting. */
  saved: AuthorizationTransaction;
}

/** Runs website → browser → agent over HTTP, up to the callback (not the code exchange). */
export async function signInOverHttp(
  server: ServerFixtures,
  client: WebsiteClient,
  model = 'website-test-model',
  authorize: AuthorizationUrlOptions = {},
): Promise<CompletedSignIn> {
  const { url, state, codeVerifier } = await createAuthorizationUrl(client, authorize);
  const browser = httpBrowser();
  const requestId = requestIdFrom(await browser.open(url));
  const agent = new AuthAgent({
    issuer: server.issuer,
    agentId: server.agent.agent_id,
    agentSecret: server.agent.agent_secret,
    model,
  });
  await agent.authenticate(requestId);
  return {
    callbackUrl: await browser.redirectFor(server.issuer, requestId),
    saved: { state, codeVerifier },
  };
}

/** The whole sign-in, ending with the website's tokens. */
export async function tokensFor(
  server: ServerFixtures,
  client: WebsiteClient,
  model?: string,
  authorize?: AuthorizationUrlOptions,
): Promise<TokenSet> {
  const { callbackUrl, saved } = await signInOverHttp(server, client, model, authorize);
  return handleCallback(client, callbackUrl, saved);
}

/** A client made by discover() for one of the server's fixtures. */
export function optionsFor(
  server: ServerFixtures,
  fixture: { client_id: string; client_secret: string | null },
  redirectUri: string,
) {
  return {
    issuer: server.issuer,
    clientId: fixture.client_id,
    clientSecret: fixture.client_secret ?? undefined,
    redirectUri,
  };
}
