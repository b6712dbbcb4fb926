import { oauthError } from '../errors.js';

/** RFC 8707 resource indicators: the form of a resource URI, and how many a request names. */

const MAX_LENGTH = 2048;
// RFC 3986 §4.3 absolute-URI: a scheme, ':' and the rest, with no fragment (RFC 8707 §2), no
// space and no control character. The same form the database checks (014_resource_servers.sql).
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21\x22\x24-\x7e]+$/;

/** An authorization request may be for a few APIs at once (RFC 8707 §2.1); a token for one. */
export const MAX_AUTHORIZATION_RESOURCES = 5;

/** Why a value cannot be a resource indicator (or an API's identifier); undefined if it can. */
export function resourceProblem(value: string): string | undefined {
  if (value.length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters`;
  if (value.includes('#')) return 'must not have a fragment (RFC 8707 §2)';
  if (!ABSOLUTE_URI.test(value) || !URL.canParse(value))
    return 'must be an absolute URI (RFC 8707 §2)';
  return undefined;
}

/**
 * The `resource` values of a request, each checked for form (invalid_target otherwise) and
 * without repeats; at most `max` of them. Whether each is a registered API is the
 * database's question (oauth_resources_outcome).
 */
export function checkedResources(values: readonly string[], max: number): string[] {
  for (const value of values) {
    const problem = resourceProblem(value);
    if (problem) throw oauthError.invalidTarget(`The resource parameter ${problem}.`);
  }
  const distinct = [...new Set(values)];
  if (distinct.length > max)
    throw oauthError.invalidTarget(
      max === 1
        ? 'A token request names at most one resource (RFC 8707 §2.2).'
        : `Name at most ${max} resources.`,
    );
  return distinct;
}
