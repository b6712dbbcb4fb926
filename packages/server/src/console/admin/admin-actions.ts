import { requestOf } from '../../http/request-context.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { consoleError, objectId } from '../http/console-error.js';
import { action, asSession, csrfOf, view } from '../http/handlers.js';
import { notVisible, type ObjectKind } from '../http/owned.js';
import { setUserDisabled } from '../queries/admin.js';
import { setAgentDisabled } from '../queries/agents.js';
import { setClientDisabled } from '../queries/clients.js';
import { revokeEveryGrant } from '../queries/grants.js';
import { confirmed, confirmPage, toConfirmation } from '../views/confirm.js';
import { seeOther } from '../views/shell.js';
import { requireAdmin } from './guard.js';

const TARGETS = {
  users: { kind: 'user', set: setUserDisabled },
  agents: { kind: 'agent', set: setAgentDisabled },
  websites: { kind: 'client', set: setClientDisabled },
} as const satisfies Record<string, { kind: ObjectKind; set: unknown }>;

/** POST /console/admin/:target/:id/disable|enable */
export function adminToggleAction(deps: ConsoleDeps, disabled: boolean) {
  return action(deps, async (c, session) => {
    requireAdmin(session);
    const target = TARGETS[c.req.param('target') as keyof typeof TARGETS];
    if (!target) throw consoleError.notFound();
    const id = objectId(c.req.param('id'));
    if (target.kind === 'user' && id === session.userId)
      throw consoleError.forbidden('You cannot disable your own account.');
    const changed = await asSession(
      deps,
      session,
      async (tx) =>
        (await target.set(tx, id, disabled)) || notVisible(deps, c, tx, session, target.kind, id),
    );
    // An agent or website is named by its public id, so that its owner sees the entry too.
    const publicId = typeof changed === 'string' ? changed : id;
    deps.ctx.security.adminAction(
      {
        userId: session.userId,
        action: disabled ? 'disable' : 'enable',
        targetType: target.kind,
        targetId: publicId,
        agentId: target.kind === 'agent' ? publicId : undefined,
        clientId: target.kind === 'client' ? publicId : undefined,
      },
      requestOf(c),
    );
    return seeOther(c, '/console/admin', disabled ? 'disabled' : 'enabled');
  });
}

/** GET /console/admin/revoke-all — what revoking every token will break. */
export function adminRevokeAllConfirmView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    requireAdmin(session);
    const [row] = await asSession(deps, session, (tx) =>
      tx.query<{ n: string }>('SELECT security_active_grants() AS n'),
    );
    const live = Number(row?.n ?? 0);
    return confirmPage(c, {
      session,
      csrf: csrfOf(session),
      section: 'admin',
      cancel: '/console/admin',
      heading: 'Revoke every token?',
      consequences: [
        html`End ${live === 1 ? 'the 1 live sign-in' : `all ${live} live sign-ins`} of every agent at every website, whoever owns them: their refresh and access tokens stop working at once.`,
        html`Make every agent sign in again at each website; websites must send them through sign-in anew.`,
        html`Leave secrets, signing keys and console sessions as they are.`,
      ],
      button: 'Revoke all tokens',
    });
  });
}

/** POST /console/admin/revoke-all — once confirmed: every grant, so every refresh and access token. */
export function adminRevokeAllAction(deps: ConsoleDeps) {
  return action(deps, async (c, session, form) => {
    requireAdmin(session);
    if (!confirmed(form)) return toConfirmation(c);
    const count = await asSession(deps, session, revokeEveryGrant);
    deps.ctx.security.adminAction(
      {
        userId: session.userId,
        action: `revoke_all_tokens (${count} grants)`,
        targetType: 'grants',
        targetId: 'all',
      },
      requestOf(c),
    );
    return seeOther(c, '/console/admin', 'tokens-revoked');
  });
}
