import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/**
 * Console cookies: HttpOnly, SameSite=Lax, path=/; on an https issuer also Secure and
 * `__Host-` prefixed, so no subdomain or plain-http page can set or shadow them.
 */
/** `login`: a log-in whose password held, waiting for the second factor. */
export type ConsoleCookie = 'session' | 'csrf' | 'login';

const BASE_NAMES: Record<ConsoleCookie, string> = {
  session: 'auth_agent_console',
  csrf: 'auth_agent_console_csrf',
  login: 'auth_agent_console_login',
};

const VALUE = /^[A-Za-z0-9_-]{43}$/;

function isHttps(issuer: string): boolean {
  return issuer.startsWith('https://');
}

export function cookieName(kind: ConsoleCookie, issuer: string): string {
  return isHttps(issuer) ? `__Host-${BASE_NAMES[kind]}` : BASE_NAMES[kind];
}

export function readCookie(c: Context, kind: ConsoleCookie, issuer: string): string | undefined {
  const value = getCookie(c, cookieName(kind, issuer));
  return value && VALUE.test(value) ? value : undefined;
}

/** A session cookie (no Max-Age): the server-side row decides how long it lives. */
export function writeCookie(c: Context, kind: ConsoleCookie, issuer: string, value: string): void {
  setCookie(c, cookieName(kind, issuer), value, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(issuer),
    path: '/',
  });
}

export function clearCookie(c: Context, kind: ConsoleCookie, issuer: string): void {
  deleteCookie(c, cookieName(kind, issuer), {
    path: '/',
    secure: isHttps(issuer),
  });
}
