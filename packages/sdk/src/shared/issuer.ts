import { AuthAgentError } from './errors.js';

/** Loopback hosts, where plain http never leaves the machine. */
export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127(?:\.\d{1,3}){3}$/.test(hostname)
  );
}

/**
 * Parses and checks an issuer URL. https is required, except on loopback hosts or when the
 * caller explicitly allows insecure requests (tests, a private network). Credentials, query
 * and fragment are refused because an issuer identifier has none (RFC 8414 §2).
 *
 * @param raw - the configured issuer
 * @param allowInsecureRequests - accept http on non-loopback hosts
 * @returns the issuer URL, without a trailing slash in its string form
 */
export function parseIssuer(raw: string, allowInsecureRequests = false): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AuthAgentError(
      'invalid_config',
      `The issuer must be an absolute URL (got "${raw}").`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AuthAgentError('invalid_config', 'The issuer must be an https URL.');
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !allowInsecureRequests)
    throw new AuthAgentError(
      'invalid_config',
      'The issuer must use https; plain http is only accepted on localhost unless allowInsecureRequests is set.',
    );
  if (url.username || url.password || url.search || url.hash)
    throw new AuthAgentError(
      'invalid_config',
      'The issuer must not contain credentials, a query or a fragment.',
    );
  return new URL(url.href.replace(/\/$/, ''));
}

/** The issuer as the server writes it in `iss`: the URL without a trailing slash. */
export function issuerString(issuer: URL): string {
  return issuer.href.replace(/\/$/, '');
}

/**
 * True when `candidate` has exactly the origin (scheme, host, port) of `expected`.
 * Anything that does not parse, and opaque origins such as `about:blank`, are never equal.
 *
 * @param candidate - a URL from an untrusted source (a page, a redirect)
 * @param expected - the trusted URL
 */
export function isSameOrigin(candidate: string | URL, expected: URL): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  return url.origin !== 'null' && url.origin === expected.origin;
}

/** A URL's origin for error messages, or a placeholder when it does not parse. */
export function describeOrigin(candidate: string): string {
  try {
    return new URL(candidate).origin;
  } catch {
    return '(unparseable URL)';
  }
}

/** True when the issuer URL uses plain http, which oauth4webapi must be told to allow. */
export function isInsecure(issuer: URL): boolean {
  return issuer.protocol === 'http:';
}
