import { oauthError } from '../errors.js';

export const SUPPORTED_SCOPES = ['openid', 'profile', 'email'] as const;
export const DEFAULT_SCOPE = 'openid profile email';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), space-delimited.
const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/** Validates a requested scope and returns it normalised (deduplicated, canonical order). */
export function parseScope(raw: string | undefined): string {
  if (raw === undefined) return DEFAULT_SCOPE;
  if (!SCOPE_SYNTAX.test(raw)) throw oauthError.invalidScope('The scope parameter is malformed.');
  const requested = new Set(raw.split(' '));
  const unknown = [...requested].filter(
    (s) => !(SUPPORTED_SCOPES as readonly string[]).includes(s),
  );
  if (unknown.length > 0) {
    throw oauthError.invalidScope(
      `Unsupported scope. Supported scopes: ${SUPPORTED_SCOPES.join(', ')}.`,
    );
  }
  return SUPPORTED_SCOPES.filter((s) => requested.has(s)).join(' ');
}

export function hasScope(scope: string, wanted: string): boolean {
  return scope.split(' ').includes(wanted);
}

/**
 * The scope a client may ask for itself (client_credentials, RFC 6749 §4.4.2). Every scope
 * this server defines describes the person an agent acts for, and a client acting for itself
 * has none, so the only valid request is an empty one; resource scopes may come later.
 */
export function parseClientScope(raw: string | undefined): string {
  if (raw === undefined) return '';
  if (!SCOPE_SYNTAX.test(raw)) throw oauthError.invalidScope('The scope parameter is malformed.');
  throw oauthError.invalidScope(
    `A client acting for itself has no user, so ${SUPPORTED_SCOPES.join(', ')} do not apply; omit scope.`,
  );
}
