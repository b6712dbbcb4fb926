import { oauthError } from '../errors.js';

export const SUPPORTED_SCOPES = ['openid', 'profile', 'email'] as const;
export const DEFAULT_SCOPE = 'openid profile email';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), space-delimited.
const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

const isOpenIdScope = (scope: string) => (SUPPORTED_SCOPES as readonly string[]).includes(scope);

function scopeTokens(raw: string): Set<string> {
  if (!SCOPE_SYNTAX.test(raw)) throw oauthError.invalidScope('The scope parameter is malformed.');
  return new Set(raw.split(' '));
}

/**
 * Validates a requested scope and returns it normalised (deduplicated, the OpenID Connect
 * scopes first in canonical order). Other scopes are an API's (RFC 8707): allowed only when
 * the request names a resource (`resourceScopes`), and then the database checks that the
 * named API defines each (oauth_resources_outcome).
 */
export function parseScope(
  raw: string | undefined,
  options: { resourceScopes?: boolean } = {},
): string {
  if (raw === undefined) return DEFAULT_SCOPE;
  const requested = scopeTokens(raw);
  const others = [...requested].filter((s) => !isOpenIdScope(s));
  if (others.length > 0 && !options.resourceScopes) {
    throw oauthError.invalidScope(
      `Unsupported scope. Supported scopes: ${SUPPORTED_SCOPES.join(', ')}, and those of an API named with resource.`,
    );
  }
  return [...SUPPORTED_SCOPES.filter((s) => requested.has(s)), ...others].join(' ');
}

/** The scopes of a normalised scope that are an API's rather than OpenID Connect's. */
export function resourceScopesOf(scope: string): string[] {
  return scope === '' ? [] : scope.split(' ').filter((s) => !isOpenIdScope(s));
}

export function hasScope(scope: string, wanted: string): boolean {
  return scope.split(' ').includes(wanted);
}

/**
 * The scope a client may ask for itself (client_credentials, RFC 6749 §4.4.2). The OpenID
 * Connect scopes describe the person an agent acts for, and a client acting for itself has
 * none; so without a resource the only valid request is an empty one, and with one (RFC 8707)
 * the scopes are that API's, which the database checks.
 */
export function parseClientScope(raw: string | undefined, withResource: boolean): string {
  if (raw === undefined) return '';
  const requested = scopeTokens(raw);
  if (!withResource || [...requested].some(isOpenIdScope))
    throw oauthError.invalidScope(
      `A client acting for itself has no user, so ${SUPPORTED_SCOPES.join(', ')} do not apply; name a resource for an API's scopes, or omit scope.`,
    );
  return [...requested].join(' ');
}
