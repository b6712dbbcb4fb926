import { requestOf } from '../../http/request-context.js';
import { html, type SafeHtml } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { ConsoleError, consoleError, objectId } from '../http/console-error.js';
import { action, asSession, type ConsoleContext, csrfOf, view } from '../http/handlers.js';
import {
  type AdminUser,
  deleteUser,
  listUsers,
  setUserRole,
  type UserChangeOutcome,
} from '../queries/admin.js';
import type { ConsoleSession } from '../session/sessions.js';
import { actionButton } from '../views/components.js';
import { page, seeOther } from '../views/shell.js';
import { requireAdmin } from './guard.js';

/** What an admin may do to an account; each is confirmed on its own page first. */
export type UserChange = 'promote' | 'demote' | 'delete';

const BUTTON: Record<UserChange, string> = {
  promote: 'Make administrator',
  demote: 'Make plain user',
  delete: 'Delete account',
};

/** What the confirmation page says will happen (naming what breaks). */
function consequence(change: UserChange, user: AdminUser, self: boolean): SafeHtml {
  if (change === 'promote')
    return html`<strong>${user.email}</strong> will see and manage every user, agent and website on this server, and can rotate signing keys and revoke every token.`;
  if (change === 'demote')
    return self
      ? html`You will no longer be an administrator, and lose this page at once.`
      : html`<strong>${user.email}</strong> will keep their own agents and websites but no longer see or manage anyone else's.`;
  return html`<strong>${user.email}</strong>${self ? html` (you)` : ''} is deleted with their ${String(user.agents)} agent(s) and ${String(user.clients)} website(s). Those agents stop signing in and those websites stop accepting sign-ins at once; every token of them is revoked. This cannot be undone.`;
}

async function targetUser(deps: ConsoleDeps, session: ConsoleSession, id: string) {
  const [user] = await asSession(deps, session, (tx) => listUsers(tx, id));
  if (!user) throw consoleError.notFound();
  return user;
}

/** GET /console/admin/users/:id/:change — the confirmation, before anything happens. */
export function confirmUserChangeView(deps: ConsoleDeps, change: UserChange) {
  return view(async (c, session) => {
    requireAdmin(session);
    const user = await targetUser(deps, session, objectId(c.req.param('id')));
    const self = user.id === session.userId;
    return page(c, {
      title: BUTTON[change],
      session,
      section: 'admin',
      body: html`<div class="narrow"><section class="card" aria-labelledby="confirm-h"><h1 id="confirm-h">${BUTTON[change]}?</h1>
<p>${consequence(change, user, self)}</p>
<div class="actions">${actionButton({ action: `/console/admin/users/${user.id}/${change}`, csrf: csrfOf(session), text: BUTTON[change], style: change === 'promote' ? undefined : 'danger' })}
<a class="button secondary" href="/console/admin">Cancel</a></div></section></div>`,
    });
  });
}

function refused(outcome: UserChangeOutcome): ConsoleError | undefined {
  if (outcome === 'not_found') return consoleError.notFound();
  if (outcome === 'last_admin')
    return new ConsoleError(
      409,
      'The last administrator',
      'This is the only administrator of this server. Make another user an administrator first.',
    );
  return undefined;
}

/**
 * POST /console/admin/users/:id/:change — done in SQL (functions/15-accounts.sql), which
 * checks that the caller is an admin and never leaves the server without one.
 */
export function userChangeAction(deps: ConsoleDeps, change: UserChange) {
  return action(deps, async (c: ConsoleContext, session) => {
    requireAdmin(session);
    const id = objectId(c.req.param('id'));
    const outcome = await asSession(deps, session, (tx) =>
      change === 'delete'
        ? deleteUser(tx, id)
        : setUserRole(tx, id, change === 'promote' ? 'admin' : 'user'),
    );
    const error = refused(outcome);
    if (error) throw error;
    deps.ctx.security.adminAction(
      {
        userId: session.userId,
        action: change === 'delete' ? 'delete_user' : change,
        targetType: 'user',
        targetId: id,
      },
      requestOf(c),
    );
    const self = id === session.userId;
    if (self) return seeOther(c, change === 'delete' ? '/console/login' : '/console');
    return seeOther(c, '/console/admin', change === 'delete' ? 'user-deleted' : 'role-changed');
  });
}
