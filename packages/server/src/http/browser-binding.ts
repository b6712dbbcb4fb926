import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { randomToken } from '../crypto/random.js';

/**
 * Binds sign-in requests to the browser that opened them: only that browser may collect
 * the code from /api/check-status. The cookie is HttpOnly, SameSite=Lax, and on https
 * `__Host-` prefixed and Secure.
 */
export function bindingCookieName(issuer: string): string {
  return issuer.startsWith('https://') ? '__Host-auth_agent_browser' : 'auth_agent_browser';
}

const VALUE = /^[A-Za-z0-9_-]{43}$/;

export function readBrowserBinding(c: Context, issuer: string): string | undefined {
  const value = getCookie(c, bindingCookieName(issuer));
  return value && VALUE.test(value) ? value : undefined;
}

/** Returns the browser's binding value, issuing one if it has none. */
export function ensureBrowserBinding(c: Context, issuer: string): string {
  const value = readBrowserBinding(c, issuer) ?? randomToken(32);
  setCookie(c, bindingCookieName(issuer), value, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: issuer.startsWith('https://'),
    path: '/',
    maxAge: 24 * 60 * 60,
  });
  return value;
}
