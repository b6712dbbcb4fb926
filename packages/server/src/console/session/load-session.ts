import type { Context, MiddlewareHandler } from 'hono';
import type { ConsoleDeps } from '../deps.js';
import { clearCookie, readCookie } from '../http/cookies.js';
import type { ConsoleSession } from './sessions.js';
import { findSession } from './sessions.js';

export type ConsoleEnv = { Variables: { session: ConsoleSession | undefined } };

/** Loads the session named by the cookie (if any) into `c.var.session`. */
export function loadSession(deps: ConsoleDeps): MiddlewareHandler<ConsoleEnv> {
  const { config, db } = deps.ctx;
  return async (c, next) => {
    const id = readCookie(c, 'session', config.issuer);
    const session = id ? await findSession(db, id, config.consoleSessionIdleTimeout) : undefined;
    if (id && !session) clearCookie(c, 'session', config.issuer);
    c.set('session', session);
    await next();
  };
}

export class LoginRequired extends Error {
  override readonly name = 'LoginRequired';
}

/** The signed-in session; pages that need one send everyone else to the log-in page. */
export function requireSession(c: Context<ConsoleEnv>): ConsoleSession {
  const session = c.get('session');
  if (!session) throw new LoginRequired();
  return session;
}
