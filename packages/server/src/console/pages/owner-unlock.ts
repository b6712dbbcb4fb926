import { requestOf } from '../../http/request-context.js';
import type { ConsoleDeps } from '../deps.js';
import { action } from '../http/handlers.js';
import { UNLOCK_NOTICE, unlockAsUser } from '../queries/unlock.js';
import { seeOther } from '../views/shell.js';
import { loadAgent } from './agent-detail.js';
import { loadWebsite } from './website-detail.js';

/**
 * POST /console/agents/:id/unlock and /console/websites/:id/unlock — the owner (or an
 * admin) clears every lock of the agent or website on its own page (app_unlock decides).
 */
export function principalUnlockAction(deps: ConsoleDeps, kind: 'agent' | 'client') {
  return action(deps, async (c, session) => {
    const rawId = c.req.param('id');
    const [ref, publicId, page] =
      kind === 'agent'
        ? await loadAgent(deps, c, session, rawId).then(
            ({ agent }) => [agent.id, agent.agent_id, 'agents'] as const,
          )
        : await loadWebsite(deps, c, session, rawId).then(
            ({ client }) => [client.id, client.client_id, 'websites'] as const,
          );
    const outcome = await unlockAsUser(deps.ctx, session, kind, publicId, requestOf(c));
    return seeOther(c, `/console/${page}/${ref}`, UNLOCK_NOTICE[outcome]);
  });
}
