import { discoverAuthorizationServer } from '../shared/discovery.js';
import { AuthAgentError } from '../shared/errors.js';
import { claimsDPoPBinding, JwtAccessTokenVerifier } from '../shared/jwt-access-token.js';
import { rememberToken } from '../shared/request-token.js';
import type { VerifiedAccessToken } from '../shared/verified-token.js';
import { readAuthorization } from './authorization-header.js';
import { type ChallengeContext, ResourceServerError, toResourceServerError } from './challenge.js';
import { type FrameworkAdapters, frameworkAdapters } from './frameworks.js';
import {
  answerMetadata,
  metadataLocation,
  type ProtectedResourceMetadata,
  protectedResourceMetadata,
} from './metadata.js';
import { checkScopes, type ResourceServerOptions, resolveOptions } from './options.js';

/** How long a failed discovery is answered from memory before it is tried again. */
const DISCOVERY_RETRY_MS = 10_000;

/** Per-route requirements. */
export interface ProtectOptions {
  /** Scopes the token must all carry; a missing one gets 403 `insufficient_scope`. */
  scopes?: string[];
}

/** The parts of an HTTP request the check reads, whatever the framework. */
export interface IncomingRequest {
  method: string;
  /** The request target: path and query, starting with `/`. */
  pathAndQuery: string;
  authorization: string | null;
  dpop: string | null;
}

/** A Web-standard handler, given the verified token as a second argument. */
export type ProtectedHandler = (
  request: Request,
  access: VerifiedAccessToken,
) => Response | Promise<Response>;

/** What {@link createResourceServer} returns. */
export interface ResourceServer extends FrameworkAdapters {
  /** The resource identifier, as configured. */
  readonly resource: string;
  /** The issuer whose tokens are accepted. */
  readonly issuer: string;
  /** The RFC 9728 metadata URL sent in `resource_metadata`. */
  readonly metadataUrl: string;
  /** The paths that serve the metadata (path-suffixed form first, RFC 9728 §3.1). */
  readonly metadataPaths: readonly string[];
  /** The RFC 9728 metadata document. */
  readonly metadata: Readonly<ProtectedResourceMetadata>;
  /** Discovers the issuer now, so a misconfiguration fails at start-up. */
  ready(): Promise<void>;
  /** @throws {@link ResourceServerError} carrying the 400/401/403/503 answer */
  verify(request: Request, options?: ProtectOptions): Promise<VerifiedAccessToken>;
  /** Like {@link ResourceServer.verify}, for a request that is not a Web `Request`. */
  verifyIncoming(incoming: IncomingRequest, options?: ProtectOptions): Promise<VerifiedAccessToken>;
  /** The metadata answer for a metadata path, or undefined for any other request. */
  metadataResponse(request: Request): Response | undefined;
  /** Wraps a fetch handler: serves the metadata paths, then lets only valid tokens through. */
  protect(
    handler: ProtectedHandler,
    options?: ProtectOptions,
  ): (request: Request) => Promise<Response>;
}

/**
 * An API (or MCP server) that accepts Auth Agent access tokens: offline JWT verification
 * against the issuer's JWKS (RFC 9068), DPoP (RFC 9449), RFC 9728 metadata, and RFC 6750
 * challenges. The issuer is discovered on first use (or by {@link ResourceServer.ready}).
 *
 * @example
 * ```ts
 * const api = createResourceServer({
 *   issuer: 'https://auth.example.com',
 *   resource: 'https://api.example.com/mcp',
 *   scopes: ['tools'],
 * });
 * export default { fetch: api.protect((req, access) => Response.json({ agent: access.agentId })) };
 * ```
 */
export function createResourceServer(options: ResourceServerOptions): ResourceServer {
  const config = resolveOptions(options);
  const location = metadataLocation(config.resourceUrl);
  const document = protectedResourceMetadata(config);
  let verifier: Promise<JwtAccessTokenVerifier> | undefined;
  let failedAt: number | undefined;

  const loadVerifier = (): Promise<JwtAccessTokenVerifier> => {
    // A failed discovery is kept for a while, then tried again: the issuer may come up
    // or change its keys, but every request must not become a metadata request.
    const retry = failedAt !== undefined && Date.now() - failedAt >= DISCOVERY_RETRY_MS;
    if (verifier && !retry) return verifier;
    failedAt = undefined;
    const loading = discoverAuthorizationServer(config.issuerUrl, config.http, config.retry).then(
      (as) =>
        new JwtAccessTokenVerifier(as, {
          audience: config.audience,
          dpopAlgorithms: config.dpopAlgorithms,
          requireDPoP: config.requireDPoP,
          replayStore: config.replayStore,
          clockToleranceSeconds: config.clockToleranceSeconds,
          http: config.http,
        }),
    );
    loading.catch(() => {
      if (verifier === loading) failedAt = Date.now();
    });
    verifier = loading;
    return loading;
  };

  const verifyIncoming = async (incoming: IncomingRequest, route: ProtectOptions = {}) => {
    const credentials = readAuthorization(incoming.authorization);
    const token = credentials.kind === 'token' ? credentials.token : undefined;
    const context: ChallengeContext = {
      metadataUrl: location.url,
      scopes: checkScopes(route.scopes),
      dpop:
        config.requireDPoP ||
        incoming.dpop !== null ||
        (credentials.kind === 'token' && credentials.scheme === 'dpop'),
      dpopAlgorithms: config.dpopAlgorithms,
    };
    try {
      if (credentials.kind === 'none')
        throw new AuthAgentError('missing_token', 'An access token is required.');
      if (!incoming.pathAndQuery.startsWith('/'))
        throw new AuthAgentError('invalid_request', 'The request target must be a path.');
      if (credentials.kind === 'malformed')
        throw new AuthAgentError(
          'invalid_request',
          'Send the token as "Authorization: Bearer <token>" or "DPoP <token>".',
        );
      const verified = await (await loadVerifier()).verify({
        scheme: credentials.scheme,
        token: credentials.token,
        proof: incoming.dpop,
        method: incoming.method,
        url: `${config.resourceUrl.origin}${incoming.pathAndQuery}`,
      });
      const missing = context.scopes.filter((scope) => !verified.scopes.includes(scope));
      if (missing.length > 0)
        throw new AuthAgentError(
          'insufficient_scope',
          `The access token lacks the scope ${missing.join(' ')}.`,
        );
      return verified;
    } catch (error) {
      // A bound token sent as Bearer is told to use the DPoP scheme (RFC 9449 §7.1).
      if (token && claimsDPoPBinding(token)) context.dpop = true;
      throw toResourceServerError(error, context);
    }
  };

  const verify = (request: Request, route?: ProtectOptions) => {
    const url = new URL(request.url);
    return verifyIncoming(
      {
        method: request.method,
        pathAndQuery: `${url.pathname}${url.search}`,
        authorization: request.headers.get('authorization'),
        dpop: request.headers.get('dpop'),
      },
      route,
    );
  };

  const metadataResponse = (request: Request): Response | undefined => {
    const answer = answerMetadata(
      document,
      location,
      request.method,
      new URL(request.url).pathname,
    );
    return answer && new Response(answer.body || null, answer);
  };

  return {
    resource: config.resource,
    issuer: config.issuer,
    metadataUrl: location.url,
    metadataPaths: location.paths,
    metadata: document,
    ready: async () => void (await loadVerifier()),
    verify,
    verifyIncoming,
    metadataResponse,
    protect: (handler, route) => {
      checkScopes(route?.scopes);
      return async (request) => {
        const metadata = metadataResponse(request);
        if (metadata) return metadata;
        let access: VerifiedAccessToken;
        try {
          access = await verify(request, route);
        } catch (error) {
          if (error instanceof ResourceServerError) return error.toResponse();
          throw error;
        }
        rememberToken(request, access);
        return handler(request, access);
      };
    },
    ...frameworkAdapters({ verify, verifyIncoming, document, location }),
  };
}
