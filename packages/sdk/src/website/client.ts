import * as oauth from 'oauth4webapi';
import {
  discoverAuthorizationServer,
  type HttpOptions,
  httpOptionsFor,
} from '../shared/discovery.js';
import { AuthAgentError } from '../shared/errors.js';
import { parseIssuer } from '../shared/issuer.js';
import type { RetryPolicy } from '../shared/retry.js';

/** Options for {@link discover}. */
export interface WebsiteClientOptions {
  /** The Auth Agent server, e.g. `https://auth.example.com`. */
  issuer: string;
  /** The website's `client_id`. */
  clientId: string;
  /** The website's `client_secret`; omit for a public client (PKCE only). */
  clientSecret?: string | undefined;
  /** The callback URL registered for the website; compared exactly by the server. */
  redirectUri: string;
  /** Scopes to ask for. Default `openid profile email`. */
  scope?: string;
  /** Accept a plain-http issuer that is not on localhost. Never in production. */
  allowInsecureRequests?: boolean;
  /** A fetch implementation (tests, proxies). Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Retry policy of the discovery request (network errors, 429, 5xx). */
  retry?: RetryPolicy;
}

/**
 * A website's view of one Auth Agent server: the discovered metadata plus the client's
 * registration. Create it once at start-up with {@link discover} and pass it to every
 * other function. The client secret is kept out of this object.
 */
export interface WebsiteClient {
  /** The issuer identifier exactly as the server states it. */
  readonly issuer: string;
  /** The website's `client_id`. */
  readonly clientId: string;
  /** The registered callback URL. */
  readonly redirectUri: string;
  /** The default scope of authorization requests. */
  readonly scope: string;
  /** The server's RFC 8414 metadata. */
  readonly metadata: Readonly<oauth.AuthorizationServer>;
}

/** What the SDK needs internally for a {@link WebsiteClient}; never exposed. */
export interface ClientInternals {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  confidential: boolean;
  http: HttpOptions;
}

const internals = new WeakMap<WebsiteClient, ClientInternals>();

/** @internal Looks up the private half of a client made by {@link discover}. */
export function internalsOf(client: WebsiteClient): ClientInternals {
  const found = internals.get(client);
  if (!found)
    throw new AuthAgentError('invalid_config', 'Create the client with discover() first.');
  return found;
}

/**
 * Fetches the server's metadata (`/.well-known/oauth-authorization-server`, RFC 8414),
 * checks that it names the configured issuer, and returns a client to pass to the other
 * functions.
 *
 * @param options - issuer, client registration and transport settings
 * @throws {@link AuthAgentError} `invalid_config` or `discovery_failed`
 *
 * @example
 * ```ts
 * const client = await discover({
 *   issuer: 'https://auth.example.com',
 *   clientId: process.env.AUTH_AGENT_CLIENT_ID!,
 *   clientSecret: process.env.AUTH_AGENT_CLIENT_SECRET,
 *   redirectUri: 'https://shop.example.com/callback',
 * });
 * ```
 */
export async function discover(options: WebsiteClientOptions): Promise<WebsiteClient> {
  const issuerUrl = parseIssuer(options.issuer, options.allowInsecureRequests);
  if (!options.clientId) throw new AuthAgentError('invalid_config', 'clientId is required.');
  try {
    new URL(options.redirectUri);
  } catch {
    throw new AuthAgentError('invalid_config', 'redirectUri must be an absolute URL.');
  }
  const http = httpOptionsFor(issuerUrl, options.fetch);
  const as = await discoverAuthorizationServer(issuerUrl, http, options.retry);
  const client: WebsiteClient = Object.freeze({
    issuer: as.issuer,
    clientId: options.clientId,
    redirectUri: options.redirectUri,
    scope: options.scope ?? 'openid profile email',
    metadata: Object.freeze(as),
  });
  const confidential = typeof options.clientSecret === 'string' && options.clientSecret !== '';
  internals.set(client, {
    as,
    client: { client_id: options.clientId },
    auth: confidential ? oauth.ClientSecretBasic(options.clientSecret as string) : oauth.None(),
    confidential,
    http,
  });
  return client;
}
