const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The characters RFC 3986 §2 allows in a URI: unreserved (ALPHA DIGIT - . _ ~), the
 * gen-delims : / ? # [ ] @, the sub-delims ! & ( ) * + , ; = and percent-encodings %XX,
 * less the two sub-delims ' and $, which a registered URI never needs and which a shell
 * or a template would read as syntax. Spaces, quotes, backticks, < >, control and
 * non-ASCII characters are outside RFC 3986 anyway (they must be percent-encoded).
 */
const URI_CHARACTERS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!&()*+,;=]|%[0-9A-Fa-f]{2})*$/;

/**
 * Registration rules for redirect URIs (OAuth 2.1 §2.3.1, RFC 9700 §4.1.1): absolute,
 * https (http only for loopback), no fragment, no wildcard, only RFC 3986 characters.
 * Returns a problem or undefined.
 */
export function redirectUriProblem(raw: string): string | undefined {
  if (raw.length > 2048) return 'is longer than 2048 characters';
  if (raw.includes('*')) return 'must not contain a wildcard';
  if (raw.includes('#')) return 'must not contain a fragment';
  if (!URI_CHARACTERS.test(raw))
    return 'may contain only letters, digits, -._~:/?[]@!&()+,;= and %XX escapes (no spaces, quotes, $ or backticks)';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname))
    return 'must use https (http only for loopback addresses)';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  if (url.username || url.password) return 'must not contain credentials';
  return undefined;
}

/** The redirect back to the website, built with URL APIs (RFC 6749 §4.1.2, RFC 9207 §2). */
export function redirectWith(redirectUri: string, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}
