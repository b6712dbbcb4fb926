import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SealedBox } from '../../crypto/sealed-box.js';
import type { ConsoleDeps } from '../deps.js';
import type { ConsoleSession } from '../session/sessions.js';

/**
 * A secret shown once after POST-redirect-GET: the POST seals it (AES-256-GCM under a key
 * derived from KEY_ENCRYPTION_KEY, so any instance can open it) into a short-lived HttpOnly
 * cookie bound to the console session and the object; the next GET of that object's page
 * opens it and clears the cookie. A reload shows it no more; the database never holds it.
 */
const NAME = 'auth_agent_console_once';
const MAX_AGE_SECONDS = 300;

const cookieName = (issuer: string) => (issuer.startsWith('https://') ? `__Host-${NAME}` : NAME);
const box = (deps: ConsoleDeps) =>
  new SealedBox(deps.ctx.secrets.keyEncryptionKey, 'console-one-time-secret');
const label = (session: ConsoleSession, objectRef: string) => `${session.id}:${objectRef}`;

export function handOverSecret(
  c: Context,
  deps: ConsoleDeps,
  session: ConsoleSession,
  objectRef: string,
  secret: string,
): void {
  const { issuer } = deps.ctx.config;
  const sealed = box(deps).seal(Buffer.from(secret, 'utf8'), label(session, objectRef));
  setCookie(c, cookieName(issuer), sealed, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: issuer.startsWith('https://'),
    path: '/',
    maxAge: MAX_AGE_SECONDS,
  });
}

/** The secret handed over for this object in this session, once; undefined otherwise. */
export function takeOverSecret(
  c: Context,
  deps: ConsoleDeps,
  session: ConsoleSession,
  objectRef: string,
): string | undefined {
  const { issuer } = deps.ctx.config;
  const sealed = getCookie(c, cookieName(issuer));
  if (!sealed) return undefined;
  const opened = box(deps).open(sealed, label(session, objectRef));
  if (!opened) return undefined;
  deleteCookie(c, cookieName(issuer), { path: '/', secure: issuer.startsWith('https://') });
  return opened.toString('utf8');
}
