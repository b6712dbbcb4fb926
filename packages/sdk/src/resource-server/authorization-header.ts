/** What an Authorization header holds, as far as a resource server is concerned. */
export type PresentedCredentials =
  | { kind: 'none' }
  | { kind: 'malformed' }
  | { kind: 'token'; scheme: 'bearer' | 'dpop'; token: string };

// RFC 6750 §2.1 b64token and RFC 9449 §7.1 token68 share this syntax.
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Reads the Authorization header (RFC 9110 §11.6.2). Another scheme (Basic…) counts as no
 * token, so the client gets the challenge that tells it how to get one.
 *
 * @param header - the header value, or null/undefined when absent
 */
export function readAuthorization(header: string | null | undefined): PresentedCredentials {
  if (!header) return { kind: 'none' };
  const [scheme = '', ...rest] = header.trim().split(/ +/);
  const lowered = scheme.toLowerCase();
  if (lowered !== 'bearer' && lowered !== 'dpop') return { kind: 'none' };
  const token = rest[0];
  if (rest.length !== 1 || !token || !TOKEN68.test(token)) return { kind: 'malformed' };
  return { kind: 'token', scheme: lowered, token };
}
