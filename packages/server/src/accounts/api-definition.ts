import { resourceProblem } from '../oauth/resource-indicators.js';
import { SUPPORTED_SCOPES } from '../oauth/scopes.js';

/**
 * What an API (resource server) is made of, checked the same way by the CLI and the console:
 * its identifier is the resource URI clients send (RFC 8707 §2), compared exactly; its scopes
 * are scope-tokens (RFC 6749 §3.3) that are not OpenID Connect's, which describe the person
 * and belong to the client.
 */
export interface ApiDefinition {
  identifier: string;
  name: string;
  scopes: string[];
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
export const MAX_API_SCOPES = 50;

/** The definition, trimmed and deduplicated, or the first problem with it. */
export function checkedApiDefinition(
  raw: ApiDefinition,
): { ok: true; api: ApiDefinition } | { ok: false; problem: string } {
  const identifier = raw.identifier.trim();
  const name = raw.name.trim();
  const scopes = [...new Set(raw.scopes.map((s) => s.trim()).filter((s) => s !== ''))];
  const uriProblem = resourceProblem(identifier);
  if (uriProblem) return { ok: false, problem: `The identifier ${uriProblem}.` };
  if (name.length === 0 || name.length > 200 || /\p{Cc}/u.test(name))
    return {
      ok: false,
      problem: 'The name must be 1 to 200 characters, without control characters.',
    };
  if (scopes.length > MAX_API_SCOPES)
    return { ok: false, problem: `An API defines at most ${MAX_API_SCOPES} scopes.` };
  const bad = scopes.find((s) => !SCOPE_TOKEN.test(s));
  if (bad !== undefined)
    return {
      ok: false,
      problem: 'A scope is 1 to 128 printable characters without spaces, quotes or backslashes.',
    };
  const reserved = scopes.find((s) => (SUPPORTED_SCOPES as readonly string[]).includes(s));
  if (reserved !== undefined)
    return { ok: false, problem: `${reserved} is an OpenID Connect scope, not an API's.` };
  return { ok: true, api: { identifier, name, scopes } };
}
