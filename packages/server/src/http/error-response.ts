import type { Context } from 'hono';
import { QueueFull } from '../crypto/semaphore.js';
import { OAuthError, oauthError } from '../errors.js';
import { DatabaseUnavailable } from '../storage/database-availability.js';
import { errorPageResponse } from '../views/authorize-error-page.js';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * Node's error when the client closed its side before the body it announced was complete
 * (node:_http_server abortIncoming): the client's mistake, answered 400 if it still listens.
 */
function bodyCutShort(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.message === 'aborted' &&
    (error as { code?: unknown }).code === 'ECONNRESET'
  );
}

/** What a client is told to wait while the database does not answer, in seconds. */
export const OUTAGE_RETRY_AFTER = 5;

/**
 * Errors that are not the server's bug, as OAuthErrors: a full password-hashing queue
 * (crypto/pbkdf2.ts) is the server being busy, and a database that does not answer is an
 * outage (storage/database-availability.ts): both 503 with Retry-After, not a 500.
 */
export function asOAuthError(error: unknown): unknown {
  if (error instanceof QueueFull) return oauthError.overloaded();
  if (bodyCutShort(error))
    return oauthError.invalidRequest('The request body ended before its Content-Length.');
  if (error instanceof DatabaseUnavailable) return oauthError.unavailable(OUTAGE_RETRY_AFTER);
  return error;
}

/**
 * Serialises any OAuthError as RFC 6749 §5.2 JSON, or as the sign-in error page where a
 * browser is on a page (`asPage`: /authorize). Unknown errors become a bare 500.
 */
export function errorResponse(c: Context, thrown: unknown, asPage = false): Response {
  const error = asOAuthError(thrown);
  if (error instanceof OAuthError && asPage) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return errorPageResponse(c, {
      error: error.error,
      description: error.description,
      status: error.status,
    });
  }
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
