import type { ResourceServerConfig } from './options.js';

/** RFC 9728 §2: the OAuth 2.0 Protected Resource Metadata this SDK publishes. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  bearer_methods_supported: string[];
  dpop_signing_alg_values_supported: string[];
  dpop_bound_access_tokens_required: boolean;
  resource_name?: string;
}

/** RFC 9728 §3: the well-known URI suffix. */
export const METADATA_PATH = '/.well-known/oauth-protected-resource';

/** Where the metadata is served. */
export interface MetadataLocation {
  /**
   * The URL clients are sent to in `resource_metadata`: per RFC 9728 §3.1 the well-known
   * path goes between the host and the resource's path.
   */
  url: string;
  /** The paths answered: the path-suffixed form and the bare well-known path. */
  paths: string[];
}

/** Computes where the metadata of `resourceUrl` lives (RFC 9728 §3.1). */
export function metadataLocation(resourceUrl: URL): MetadataLocation {
  const suffix = resourceUrl.pathname === '/' ? '' : resourceUrl.pathname;
  const path = `${METADATA_PATH}${suffix}`;
  return {
    url: `${resourceUrl.origin}${path}`,
    paths: path === METADATA_PATH ? [METADATA_PATH] : [path, METADATA_PATH],
  };
}

/** The metadata document of a resource server. */
export function protectedResourceMetadata(
  config: ResourceServerConfig,
): Readonly<ProtectedResourceMetadata> {
  const document: ProtectedResourceMetadata = {
    resource: config.resource,
    authorization_servers: [config.issuer],
    ...(config.scopesSupported.length > 0 ? { scopes_supported: config.scopesSupported } : {}),
    bearer_methods_supported: ['header'],
    dpop_signing_alg_values_supported: config.dpopAlgorithms,
    dpop_bound_access_tokens_required: config.requireDPoP,
    ...(config.resourceName ? { resource_name: config.resourceName } : {}),
  };
  return Object.freeze(document);
}

/** A framework-neutral HTTP answer. */
export interface PlainAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

// Public, cacheable, and readable by browser-based clients (MCP inspectors) cross-origin.
const PUBLIC_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': '*',
};

/**
 * The answer to a request for one of the metadata paths, or undefined for any other path.
 *
 * @param method - the request method
 * @param pathname - the request path, without query
 */
export function answerMetadata(
  document: Readonly<ProtectedResourceMetadata>,
  location: MetadataLocation,
  method: string,
  pathname: string,
): PlainAnswer | undefined {
  if (!location.paths.includes(pathname)) return undefined;
  if (method === 'OPTIONS') return { status: 204, headers: PUBLIC_HEADERS, body: '' };
  if (method !== 'GET' && method !== 'HEAD')
    return { status: 405, headers: { ...PUBLIC_HEADERS, Allow: 'GET, HEAD, OPTIONS' }, body: '' };
  return {
    status: 200,
    headers: {
      ...PUBLIC_HEADERS,
      'Content-Type': 'application/json',
      'Cache-Control': 'public, max-age=3600',
    },
    body: method === 'HEAD' ? '' : JSON.stringify(document),
  };
}
