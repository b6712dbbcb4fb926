import type { ConsoleDeps } from '../deps.js';
import { action, asSession } from '../http/handlers.js';
import { notVisible } from '../http/owned.js';
import { recordOwnerAction } from '../http/owner-action.js';
import { setNoticeSettings } from '../queries/sign-in-notifications.js';
import { seeOther } from '../views/shell.js';
import { agentDetailPage, loadAgent } from './agent-detail.js';
import { showOnce } from './one-time-secret.js';

/**
 * POST /console/agents/:id/notifications — how the owner is told of the agent's first
 * sign-ins: mail and/or a webhook. A webhook URL is checked here (https, public addresses
 * only: security/sign-in-notices.ts) and again at every delivery; a new URL gets a new
 * signing secret, shown once.
 */
export function agentNotificationsAction(deps: ConsoleDeps) {
  const notices = deps.ctx.signInNotices;
  return action(deps, async (c, session, form) => {
    const loaded = await loadAgent(deps, c, session, c.req.param('id'));
    const ref = loaded.agent.id;
    const typed = (form.get('webhook_url') ?? '').trim();
    const checked = typed ? await notices.webhookUrl(typed) : { url: null };
    if ('problem' in checked) return agentDetailPage(c, session, loaded, checked.problem);
    const webhookUrl = checked.url;
    const { secret, sealed } = notices.newSecret(ref);
    const mail = form.get('notify_mail') === 'on';
    const saved = await asSession(deps, session, async (tx) => {
      const change = { mail, webhookUrl, sealedSecret: sealed, rotate: form.has('rotate_secret') };
      return (
        (await setNoticeSettings(tx, ref, change)) ?? notVisible(deps, c, tx, session, 'agent', ref)
      );
    });
    recordOwnerAction(deps, c, session, 'agent', saved.agentId, 'sign_in_notifications', {
      mail,
      webhook: webhookUrl !== null,
      new_secret: saved.secretStored,
    });
    if (!saved.secretStored) return seeOther(c, `/console/agents/${ref}`, 'saved');
    return showOnce(deps, c, session, {
      kind: 'webhook',
      ref,
      webhookSecret: secret,
      heading: 'Webhook signing secret',
      note: 'Sign-in notifications to the webhook are signed with this secret (X-Auth-Agent-Signature). Copy it now; it is shown only this once.',
    });
  });
}
