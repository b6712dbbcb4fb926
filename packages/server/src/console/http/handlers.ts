import type { Context } from 'hono';
import type { SqlExecutor } from '../../storage/driver.js';
import { inSession } from '../../storage/owner-store.js';
import type { ConsoleDeps } from '../deps.js';
import { type ConsoleEnv, requireSession } from '../session/load-session.js';
import type { ConsoleSession } from '../session/sessions.js';
import { assertCsrf, sessionCsrfToken } from './csrf.js';
import { type Form, readForm } from './form.js';

export type ConsoleContext = Context<ConsoleEnv>;

/** A page for signed-in users. */
export function view(
  handler: (c: ConsoleContext, session: ConsoleSession) => Response | Promise<Response>,
) {
  return (c: ConsoleContext) => handler(c, requireSession(c));
}

/** A state-changing request of a signed-in user: session, then Origin + CSRF token. */
export function action(
  deps: ConsoleDeps,
  handler: (c: ConsoleContext, session: ConsoleSession, form: Form) => Promise<Response>,
) {
  return async (c: ConsoleContext) => {
    const session = requireSession(c);
    const form = await readForm(c);
    assertCsrf(c, deps.ctx.config.issuer, form, sessionCsrfToken(session.id));
    return handler(c, session, form);
  };
}

/**
 * Runs `work` in one transaction acting for the signed-in user: the database verifies the
 * session id and row-level security filters to that user's rows (owner-store.ts inSession).
 */
export function asSession<T>(
  deps: ConsoleDeps,
  session: ConsoleSession,
  work: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  return inSession(deps.ctx.db, session.id, work);
}

export function csrfOf(session: ConsoleSession): string {
  return sessionCsrfToken(session.id);
}
