import type { ConsoleDeps } from '../deps.js';
import { consoleError } from '../http/console-error.js';
import { action, asSession } from '../http/handlers.js';
import { notVisible } from '../http/owned.js';
import { recordOwnerAction } from '../http/owner-action.js';
import { seeOther } from '../views/shell.js';
import { agentDetailPage, loadAgent } from './agent-detail.js';

const MAX_WEBSITES = 100;

/** POST /console/agents/:id/websites — replaces the list of websites the agent may sign in to. */
export function agentWebsitesAction(deps: ConsoleDeps) {
  return action(deps, async (c, session, form) => {
    const loaded = await loadAgent(deps, c, session, c.req.param('id'));
    const clientIds = [...new Set((form.get('client_ids') ?? '').split(/\s+/).filter(Boolean))];
    if (clientIds.length > MAX_WEBSITES)
      throw consoleError.badRequest(`List at most ${MAX_WEBSITES} websites.`);
    const unknown = await asSession(deps, session, async (tx) => {
      const [row] = await tx.query<{ unknown: string[] | null }>(
        'SELECT app_set_agent_websites($1, $2) AS unknown',
        [loaded.agent.id, clientIds],
      );
      return row?.unknown ?? notVisible(deps, c, tx, session, 'agent', loaded.agent.id);
    });
    if (unknown.length > 0)
      return agentDetailPage(
        c,
        session,
        loaded,
        `No website has the client_id ${unknown.join(', ')}.`,
      );
    recordOwnerAction(deps, c, session, 'agent', loaded.agent.agent_id, 'restrict_websites', {
      websites: clientIds.length,
    });
    return seeOther(c, `/console/agents/${loaded.agent.id}`, 'saved');
  });
}
