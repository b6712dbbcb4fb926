import type { Context } from 'hono';
import { inSession } from '../../storage/owner-store.js';
import type { ConsoleDeps } from '../deps.js';
import { clearCookie } from '../http/cookies.js';
import { assertCsrf, sessionCsrfToken } from '../http/csrf.js';
import { readForm } from '../http/form.js';
import type { ConsoleEnv } from '../session/load-session.js';
import { endSession } from '../session/sessions.js';
import { seeOther } from '../views/shell.js';

/** POST /console/logout — deletes the session row, not just the cookie. */
export function logoutAction(deps: ConsoleDeps) {
  const { config, db } = deps.ctx;
  return async (c: Context<ConsoleEnv>) => {
    const session = c.get('session');
    if (!session) return seeOther(c, '/console/login');
    const form = await readForm(c);
    assertCsrf(c, config.issuer, form, sessionCsrfToken(session.id));
    await inSession(db, session.id, (tx) => endSession(tx, session.id));
    clearCookie(c, 'session', config.issuer);
    return seeOther(c, '/console/login', 'logged-out');
  };
}
