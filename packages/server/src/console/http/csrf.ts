import type { Context } from 'hono';
import { constantTimeEqual, sha256 } from '../../crypto/digest.js';
import { randomToken } from '../../crypto/random.js';
import { consoleError } from './console-error.js';
import { readCookie, writeCookie } from './cookies.js';
import type { Form } from './form.js';

/** Name of the hidden form field that carries the CSRF token. */
export const CSRF_FIELD = 'csrf';

/**
 * A signed-in session's CSRF token is derived from its session id, which only the cookie
 * holder knows; nothing extra is stored and the token changes with every new session.
 */
export function sessionCsrfToken(sessionId: string): string {
  return sha256(`console-csrf\0${sessionId}`);
}

/**
 * Before sign-in (log-in, sign-up, setup, email confirmation) a double-submit token: a
 * random value in an HttpOnly cookie that the form must repeat.
 */
export function anonymousCsrfToken(c: Context, issuer: string): string {
  const existing = readCookie(c, 'csrf', issuer);
  if (existing) return existing;
  const token = randomToken(32);
  writeCookie(c, 'csrf', issuer, token);
  return token;
}

export function readAnonymousCsrf(c: Context, issuer: string): string | undefined {
  return readCookie(c, 'csrf', issuer);
}

function requestOrigin(c: Context): string | undefined {
  const origin = c.req.header('origin');
  if (origin !== undefined) return origin;
  const referer = c.req.header('referer');
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * Every state-changing console request must come from the console's own origin (Origin,
 * else Referer; pages use `Referrer-Policy: same-origin` so browsers send them) and carry
 * the expected token.
 */
export function assertCsrf(c: Context, issuer: string, form: Form, expected: string | undefined) {
  if (requestOrigin(c) !== new URL(issuer).origin) throw consoleError.csrf();
  const presented = form.get(CSRF_FIELD);
  if (!expected || !presented || !constantTimeEqual(presented, expected)) throw consoleError.csrf();
}
