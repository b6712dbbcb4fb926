import type { Context } from 'hono';
import { oauthError } from '../errors.js';

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
