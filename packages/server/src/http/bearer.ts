import type { Context } from 'hono';

/**
 * The token of an `Authorization: Bearer` header (RFC 6750 §2.1): undefined when the header
 * is absent, '' when it is not a well-formed Bearer credential.
 */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header === undefined) return undefined;
  return /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim())?.[1] ?? '';
}
