import type { Context } from 'hono';
import { QueueFull } from '../crypto/semaphore.js';
import { OAuthError, oauthError } from '../errors.js';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * Errors a client can cause, as OAuthErrors: a full password-hashing queue (crypto/pbkdf2.ts)
 * is the server being busy, 503 with Retry-After, not a failure.
 */
export function asOAuthError(error: unknown): unknown {
  return error instanceof QueueFull ? oauthError.overloaded() : error;
}

/** Serialises any OAuthError as RFC 6749 §5.2 JSON. Unknown errors become a bare 500. */
export function errorResponse(c: Context, thrown: unknown): Response {
  const error = asOAuthError(thrown);
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
