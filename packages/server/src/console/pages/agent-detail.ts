import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { type ConsoleContext, csrfOf, view } from '../http/handlers.js';
import { loadOwned } from '../http/owned.js';
import { type AgentRow, findAgent } from '../queries/agents.js';
import { type AgentApi, agentApis } from '../queries/allowed-apis.js';
import { type AllowedWebsite, allowedWebsites } from '../queries/allowed-websites.js';
import { type ActiveGrant, activeGrantsOfAgent } from '../queries/grants.js';
import { type NoticeSettings, noticeSettings } from '../queries/sign-in-notifications.js';
import { type SignInState, signInState } from '../queries/sign-in-state.js';
import type { ConsoleSession } from '../session/sessions.js';
import { allowedApisCard } from '../views/allowed-apis.js';
import { allowedWebsitesCard } from '../views/allowed-websites.js';
import { actionButton, notice, postForm, statusPill, when } from '../views/components.js';
import { manageSection } from '../views/manage-section.js';
import { doneNotice } from '../views/notices.js';
import { page } from '../views/shell.js';
import { signInNoticesCard } from '../views/sign-in-notifications.js';
import { signInStateCard } from '../views/sign-in-state.js';
import { agentProfileFields } from './agent-form.js';

function grantsTable(agent: AgentRow, grants: ActiveGrant[], csrf: string) {
  if (grants.length === 0)
    return html`<p class="empty">This agent is not signed in to any website.</p>`;
  const base = `/console/agents/${agent.id}/grants`;
  return html`<div class="table-wrap"><table><thead><tr><th scope="col">Website</th><th scope="col">Scope</th><th scope="col">Model</th><th scope="col">Signed in</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${grants.map(
  (
    g,
  ) => html`<tr><td>${g.client_name}<br><code>${g.client_id}</code></td><td>${g.scope}</td><td>${g.model}</td><td>${when(g.created_at)}</td><td>${when(g.last_used_at)}</td>
<td>${actionButton({ action: `${base}/${g.id}/revoke`, csrf, text: 'Revoke', style: 'danger', small: true })}</td></tr>`,
)}</tbody></table></div>
<div class="actions"><a class="button danger" href="${base}/revoke-all">Revoke all sign-ins</a></div>`;
}

export interface AgentView {
  agent: AgentRow;
  grants: ActiveGrant[];
  state: SignInState;
  websites: AllowedWebsite[];
  apis: AgentApi[];
  notices: NoticeSettings;
}

export function agentDetailPage(
  c: ConsoleContext,
  session: ConsoleSession,
  { agent, grants, state, websites, apis, notices }: AgentView,
  error?: string,
) {
  const csrf = csrfOf(session);
  const base = `/console/agents/${agent.id}`;
  return page(c, {
    title: agent.label ?? agent.agent_id,
    session,
    section: 'agents',
    status: error ? 400 : 200,
    body: html`<p><a href="/console/agents">← Agents</a></p>
<h1>${agent.label ?? 'Agent'} ${statusPill(agent.disabled)}</h1>
${notice(doneNotice(c))}${notice(error, 'bad')}
<section class="card" aria-labelledby="grants-h"><h2 id="grants-h">Signed in to</h2>${grantsTable(agent, grants, csrf)}</section>
${signInStateCard({ state, unlockAction: `${base}/unlock`, csrf })}
${allowedWebsitesCard(base, csrf, websites)}
${allowedApisCard(base, csrf, apis)}
${signInNoticesCard(base, csrf, notices)}
<div class="grid">
<section class="card" aria-labelledby="profile-h"><h2 id="profile-h">Profile</h2>
<dl><dt>agent_id</dt><dd><code>${agent.agent_id}</code></dd><dt>Created</dt><dd>${when(agent.created_at)}</dd>
<dt>Email verified</dt><dd>${agent.email_verified ? html`<span class="pill ok">yes</span>` : html`<span class="pill">no</span>`}</dd></dl>
${postForm({ action: `${base}/profile`, csrf, body: html`${agentProfileFields({ label: agent.label, userEmail: agent.user_email, userName: agent.user_name })}<button type="submit">Save</button>` })}
${agent.email_verified ? '' : html`<p class="muted">Websites are told this email is <em>not</em> verified until you confirm you control it.</p>${actionButton({ action: `${base}/verify-email`, csrf, text: 'Send a confirmation link to this address', style: 'secondary' })}`}
</section>
${manageSection({
  base,
  csrf,
  noun: 'agent',
  disabled: agent.disabled,
  rotate: {
    text: 'Rotate secret',
    explanation:
      'Rotating the secret makes the old one stop working at once; existing sign-ins stay.',
  },
  disabledText: {
    enable: 'Enable the agent to let it sign in again.',
    disable: 'A disabled agent cannot sign in, and its tokens stop working.',
  },
  deleteText: 'Deleting removes the agent and every sign-in it has, for good.',
})}</div>`,
  });
}

/** Loads an agent the session may see, or answers 404 (and reports someone else's). */
export async function loadAgent(
  deps: ConsoleDeps,
  c: ConsoleContext,
  session: ConsoleSession,
  rawId: string | undefined,
): Promise<AgentView> {
  // Sign-ins are stored in batches (security-log.ts): count the ones still waiting too.
  await deps.ctx.security.log.flush();
  return loadOwned(deps, c, session, 'agent', rawId, async (tx, id) => {
    const agent = await findAgent(tx, id);
    if (!agent) return undefined;
    const grants = await activeGrantsOfAgent(tx, id);
    const state = await signInState(tx, 'agent', agent.agent_id);
    const notices = await noticeSettings(tx, id);
    if (!notices) return undefined;
    const websites = await allowedWebsites(tx, id);
    return { agent, grants, state, websites, apis: await agentApis(tx, id), notices };
  });
}

export function agentDetailView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    return agentDetailPage(c, session, await loadAgent(deps, c, session, c.req.param('id')));
  });
}
