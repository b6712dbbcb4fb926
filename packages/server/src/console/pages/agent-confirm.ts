import { html, type SafeHtml } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { csrfOf, view } from '../http/handlers.js';
import type { ActiveGrant } from '../queries/grants.js';
import { confirmPage } from '../views/confirm.js';
import { type AgentView, loadAgent } from './agent-detail.js';

function signedInTo(grants: ActiveGrant[]): SafeHtml {
  if (grants.length === 0) return html`It is signed in to no website now.`;
  const names = [...new Set(grants.map((g) => g.client_name))].join(', ');
  return html`End its ${String(grants.length)} ${grants.length === 1 ? 'sign-in' : 'sign-ins'} (${names}): those websites' tokens for it stop working at once.`;
}

const CONFIRMATIONS: Record<
  'delete' | 'rotate' | 'revoke-all',
  (view: AgentView) => { heading: string; consequences: SafeHtml[]; button: string }
> = {
  delete: ({ agent, grants }) => ({
    heading: `Delete ${agent.label ?? agent.agent_id}?`,
    consequences: [
      signedInTo(grants),
      html`Make its agent_id <code>${agent.agent_id}</code> and secret stop working for good: the agent cannot sign in anywhere again.`,
      html`Keep its past entries in the security log. This cannot be undone.`,
    ],
    button: 'Delete agent',
  }),
  rotate: ({ agent }) => ({
    heading: `Rotate the secret of ${agent.label ?? agent.agent_id}?`,
    consequences: [
      html`Make the current secret stop working at once: until the agent has the new one, it cannot sign in.`,
      html`Show the new secret once, on the next page.`,
      html`Keep the websites it is signed in to signed in.`,
    ],
    button: 'Rotate secret',
  }),
  'revoke-all': ({ grants }) => ({
    heading: 'Revoke every sign-in of this agent?',
    consequences: [
      signedInTo(grants),
      html`Leave the agent able to sign in again: each website must send it through sign-in anew.`,
    ],
    button: 'Revoke all sign-ins',
  }),
};

/** GET /console/agents/:id/{delete,rotate,grants/revoke-all} — what the action will break. */
export function agentConfirmView(deps: ConsoleDeps, what: keyof typeof CONFIRMATIONS) {
  return view(async (c, session) => {
    const loaded = await loadAgent(deps, c, session, c.req.param('id'));
    return confirmPage(c, {
      session,
      csrf: csrfOf(session),
      section: 'agents',
      cancel: `/console/agents/${loaded.agent.id}`,
      ...CONFIRMATIONS[what](loaded),
    });
  });
}
