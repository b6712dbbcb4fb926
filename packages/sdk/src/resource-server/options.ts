import { DEFAULT_DPOP_ALGORITHMS, isAsymmetricAlgorithm } from '../shared/algorithms.js';
import { type HttpOptions, httpOptionsFor } from '../shared/discovery.js';
import { AuthAgentError } from '../shared/errors.js';
import { isLoopback, issuerString, parseIssuer } from '../shared/issuer.js';
import { type DPoPReplayStore, MemoryReplayStore } from '../shared/replay-store.js';
import type { RetryPolicy } from '../shared/retry.js';

/** Options for {@link createResourceServer}. */
export interface ResourceServerOptions {
  /** The Auth Agent server that issues the tokens, e.g. `https://auth.example.com`. */
  issuer: string;
  /**
   * This API's resource identifier (RFC 8707, RFC 9728 §1.2): its https URL, e.g.
   * `https://api.example.com/mcp`. Tokens must name it in `aud`, and its origin is the one
   * DPoP proofs must name in `htu`.
   */
  resource: string;
  /** Accept tokens whose `aud` is this instead of `resource` (e.g. a website's client_id). */
  audience?: string;
  /** Scopes this API understands, published as `scopes_supported`. */
  scopes?: string[];
  /** Human-readable name, published as `resource_name`. */
  resourceName?: string;
  /** Refuse Bearer tokens: accept DPoP-bound tokens only. Default false. */
  requireDPoP?: boolean;
  /** Algorithms accepted for DPoP proofs. Default ES256, ES384, EdDSA, Ed25519, PS256, RS256. */
  dpopAlgorithms?: string[];
  /** Where DPoP proof ids are remembered. Default: a bounded in-memory store. */
  replayStore?: DPoPReplayStore;
  /** Leeway for `exp`, `nbf` and `iat` in seconds. Default 30. */
  clockToleranceSeconds?: number;
  /** Accept a plain-http issuer or resource that is not on localhost. Never in production. */
  allowInsecureRequests?: boolean;
  /** A fetch implementation for discovery and the JWKS (tests, proxies). */
  fetch?: typeof fetch;
  /** Retry policy of the discovery request. */
  retry?: RetryPolicy;
}

/** The checked configuration. */
export interface ResourceServerConfig {
  issuerUrl: URL;
  issuer: string;
  resource: string;
  resourceUrl: URL;
  audience: string;
  scopesSupported: string[];
  resourceName: string | undefined;
  requireDPoP: boolean;
  dpopAlgorithms: string[];
  replayStore: DPoPReplayStore;
  clockToleranceSeconds: number;
  http: HttpOptions;
  retry: RetryPolicy | undefined;
}

// RFC 6749 §3.3 scope-token: printable ASCII without space, `"` and `\`, so a scope can be
// quoted in a WWW-Authenticate parameter as is.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** @throws {@link AuthAgentError} `invalid_config` for a scope that is not a scope-token */
export function checkScopes(scopes: readonly string[] | undefined): string[] {
  for (const scope of scopes ?? [])
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope))
      throw new AuthAgentError('invalid_config', `"${String(scope)}" is not a valid scope.`);
  return [...(scopes ?? [])];
}

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

function parseResource(raw: string, allowInsecureRequests: boolean): URL {
  const url = parseUrl(raw);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new AuthAgentError('invalid_config', 'resource must be an absolute https URL.');
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !allowInsecureRequests)
    throw new AuthAgentError('invalid_config', 'resource must use https outside localhost.');
  // RFC 8707 §2: no fragment; a query would make the RFC 9728 §3.1 metadata URL ambiguous.
  if (url.hash || url.search || url.username || url.password || raw.includes('#'))
    throw new AuthAgentError(
      'invalid_config',
      'resource must not contain credentials, a query or a fragment.',
    );
  return url;
}

function checkDPoPAlgorithms(algorithms: readonly string[] | undefined): string[] {
  const chosen = [...(algorithms ?? DEFAULT_DPOP_ALGORITHMS)];
  const symmetric = chosen.filter((alg) => !isAsymmetricAlgorithm(alg));
  if (symmetric.length > 0 || chosen.length === 0)
    throw new AuthAgentError(
      'invalid_config',
      'dpopAlgorithms must list asymmetric JWS algorithms only (RFC 9449 §4.2).',
    );
  return chosen;
}

/** @throws {@link AuthAgentError} `invalid_config` */
export function resolveOptions(options: ResourceServerOptions): ResourceServerConfig {
  const insecure = options.allowInsecureRequests ?? false;
  const issuerUrl = parseIssuer(options.issuer, insecure);
  const resourceUrl = parseResource(options.resource, insecure);
  const tolerance = options.clockToleranceSeconds ?? 30;
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > 300)
    throw new AuthAgentError('invalid_config', 'clockToleranceSeconds must be 0 to 300.');
  return {
    issuerUrl,
    issuer: issuerString(issuerUrl),
    resource: options.resource,
    resourceUrl,
    audience: options.audience ?? options.resource,
    scopesSupported: checkScopes(options.scopes),
    resourceName: options.resourceName,
    requireDPoP: options.requireDPoP ?? false,
    dpopAlgorithms: checkDPoPAlgorithms(options.dpopAlgorithms),
    replayStore: options.replayStore ?? new MemoryReplayStore(),
    clockToleranceSeconds: tolerance,
    http: httpOptionsFor(issuerUrl, options.fetch),
    retry: options.retry,
  };
}
