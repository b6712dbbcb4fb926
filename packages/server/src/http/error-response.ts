import type { Context } from 'hono';
import { OAuthError } from '../errors.js';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** Serialises any OAuthError as RFC 6749 §5.2 JSON. Unknown errors become a bare 500. */
export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof OAuthError) {
    return c.json(
      { error: error.error, error_description: error.description },
      error.status as 400,
      { ...NO_STORE, ...error.headers },
    );
  }
  return c.json(
    { error: 'server_error', error_description: 'The server could not complete the request.' },
    500,
    NO_STORE,
  );
}
