/** The longest client_id URL accepted (the clients table allows 512 characters). */
export const MAX_CLIENT_ID_URL = 512;

/**
 * A client_id that is a URL names a Client ID Metadata Document. Generated client ids never
 * contain ':' (accounts/generated.ts), so the two kinds cannot be confused (CIMD draft,
 * "Supporting Both Pre-Registered and Unregistered Clients").
 */
export function isClientIdUrl(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

/**
 * CIMD draft §"Client Identifier URL": https, no userinfo, a path that is not just "/",
 * no dot segments, no fragment. The URL must already be in the normal form the server
 * fetches (so the document's client_id can be compared with it character for character);
 * http is accepted only in development, for documents served on loopback.
 */
export function clientIdUrlProblem(clientId: string, allowLoopbackHttp: boolean) {
  if (clientId.length > MAX_CLIENT_ID_URL) return `is longer than ${MAX_CLIENT_ID_URL} characters`;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && !(allowLoopbackHttp && url.protocol === 'http:'))
    return 'must use https';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.hash || clientId.includes('#')) return 'must not contain a fragment';
  if (url.pathname === '/' || url.pathname === '') return 'must have a path';
  if (url.href !== clientId) return 'must be in normal form (no dot segments, lower-case host)';
  return undefined;
}
