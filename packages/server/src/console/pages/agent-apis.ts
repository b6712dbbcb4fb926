import type { ConsoleDeps } from '../deps.js';
import { consoleError } from '../http/console-error.js';
import { action, asSession } from '../http/handlers.js';
import { notVisible } from '../http/owned.js';
import { recordOwnerAction } from '../http/owner-action.js';
import { API_FIELD_PREFIX } from '../views/allowed-apis.js';
import { seeOther } from '../views/shell.js';
import { agentDetailPage, loadAgent } from './agent-detail.js';

const MAX_APIS = 100;

/**
 * POST /console/agents/:id/apis — replaces the list of APIs the agent may obtain tokens for:
 * each ticked `api:<api_id>` field. Only the agent's owner's own APIs are accepted (the
 * database decides, app_set_agent_apis); naming any other refuses the whole list.
 */
export function agentApisAction(deps: ConsoleDeps) {
  return action(deps, async (c, session, form) => {
    const loaded = await loadAgent(deps, c, session, c.req.param('id'));
    const apiIds = [...form.keys()]
      .filter((name) => name.startsWith(API_FIELD_PREFIX))
      .map((name) => name.slice(API_FIELD_PREFIX.length));
    if (apiIds.length > MAX_APIS) throw consoleError.badRequest(`Tick at most ${MAX_APIS} APIs.`);
    const unknown = await asSession(deps, session, async (tx) => {
      const [row] = await tx.query<{ unknown: string[] | null }>(
        'SELECT app_set_agent_apis($1, $2) AS unknown',
        [loaded.agent.id, apiIds],
      );
      return row?.unknown ?? notVisible(deps, c, tx, session, 'agent', loaded.agent.id);
    });
    if (unknown.length > 0)
      return agentDetailPage(c, session, loaded, 'Only your own APIs can be allowed.');
    recordOwnerAction(deps, c, session, 'agent', loaded.agent.agent_id, 'restrict_apis', {
      apis: apiIds.length,
    });
    return seeOther(c, `/console/agents/${loaded.agent.id}`, 'saved');
  });
}
