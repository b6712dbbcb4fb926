import { randomBytes } from 'node:crypto';
import type { AuthAgent } from '@auth-agent/sdk/agent';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { signInHeadless } from './headless-sign-in.js';

export interface AgentProviderOptions {
  /** The agent's Auth Agent identity; its issuer is the only place it signs in. */
  agent: AuthAgent;
  /**
   * The https URL of this client's metadata document (its `client_id`). The stock client
   * uses it when the server announces `client_id_metadata_document_supported`, and
   * registers (RFC 7591) when it is absent.
   */
  clientMetadataUrl?: string;
  /** A loopback URI: any port is accepted for a public client (RFC 8252 §7.3). */
  redirectUrl?: string;
  clientName?: string;
  fetch?: typeof fetch;
}

/** The redirect URI of the example: never listened on, the code comes over HTTP. */
export const DEFAULT_REDIRECT_URL = 'http://127.0.0.1/callback';

/**
 * The `OAuthClientProvider` of an agent that uses the stock MCP client
 * (`@modelcontextprotocol/sdk`): it keeps the client, tokens and PKCE verifier in memory,
 * and where a desktop client would open a browser, it signs the agent in
 * (`signInHeadless`). Discovery, registration, PKCE and the token requests are the stock
 * client's.
 */
export class AgentOAuthProvider implements OAuthClientProvider {
  readonly clientMetadataUrl: string | undefined;
  readonly #agent: AuthAgent;
  readonly #redirectUrl: string;
  readonly #clientName: string;
  readonly #fetch: typeof fetch;
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  #state = '';
  #code: string | undefined;
  /** Every authorization URL the stock client built, for whoever wants to look. */
  readonly authorizationUrls: URL[] = [];

  constructor(options: AgentProviderOptions) {
    this.#agent = options.agent;
    this.clientMetadataUrl = options.clientMetadataUrl;
    this.#redirectUrl = options.redirectUrl ?? DEFAULT_REDIRECT_URL;
    this.#clientName = options.clientName ?? 'Auth Agent example MCP client';
    this.#fetch = options.fetch ?? fetch;
  }

  get redirectUrl(): string {
    return this.#redirectUrl;
  }

  /** What a dynamic registration sends: a public client (no secret) with PKCE. */
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.#clientName,
      redirect_uris: [this.#redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    this.#state = randomBytes(16).toString('base64url');
    return this.#state;
  }

  clientInformation() {
    return this.#client;
  }

  saveClientInformation(client: OAuthClientInformationMixed): void {
    this.#client = client;
  }

  tokens() {
    return this.#tokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.#tokens = tokens;
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    return this.#verifier;
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    this.authorizationUrls.push(authorizationUrl);
    const { code } = await signInHeadless(
      this.#agent,
      authorizationUrl,
      { redirectUri: this.#redirectUrl, state: this.#state },
      this.#fetch,
    );
    this.#code = code;
  }

  /** The code of the last sign-in, once: hand it to `transport.finishAuth`. */
  takeAuthorizationCode(): string {
    const code = this.#code;
    this.#code = undefined;
    if (!code) throw new Error('No sign-in has completed.');
    return code;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'client') this.#client = undefined;
    if (scope === 'all' || scope === 'tokens') this.#tokens = undefined;
    if (scope === 'all' || scope === 'verifier') this.#verifier = '';
  }
}
