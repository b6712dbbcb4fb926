import type { Context } from 'hono';
import { oauthError } from '../errors.js';

/**
 * The token of an `Authorization: Bearer` header (RFC 6750 §2.1): undefined when the header
 * is absent, '' when it is not a well-formed Bearer credential.
 */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header === undefined) return undefined;
  return /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim())?.[1] ?? '';
}

/** A JSON object body (RFC 7591 §3.1): 415 for another media type, 400 for anything else. */
export async function jsonObjectBody(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    throw oauthError.unsupportedMediaType('Send the body as application/json.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await c.req.text());
  } catch {
    throw oauthError.invalidRequest('The body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw oauthError.invalidRequest('The JSON body must be an object.');
  return parsed as Record<string, unknown>;
}
