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

/** The browser's binding value, or a new one if it has none (sent by `setBrowserBinding`). */
export function browserBindingFor(c: Context, issuer: string): string {
  return readBrowserBinding(c, issuer) ?? randomToken(32);
}

/** Sends (or renews) the binding cookie. */
export function setBrowserBinding(c: Context, issuer: string, value: string): void {
  setCookie(c, bindingCookieName(issuer), value, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: issuer.startsWith('https://'),
    path: '/',
    maxAge: 24 * 60 * 60,
  });
}
