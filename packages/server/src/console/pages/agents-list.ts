import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { asSession, view } from '../http/handlers.js';
import { type AgentRow, listOwnAgents } from '../queries/agents.js';
import { notice, statusPill, when } from '../views/components.js';
import { doneNotice } from '../views/notices.js';
import { page } from '../views/shell.js';

function agentRow(agent: AgentRow) {
  return html`<tr><td><a href="/console/agents/${agent.id}">${agent.label ?? agent.agent_id}</a><br><code>${agent.agent_id}</code></td>
<td>${agent.user_email} ${agent.email_verified ? html`<span class="pill ok">verified</span>` : html`<span class="pill">unverified</span>`}</td>
<td>${statusPill(agent.disabled)}</td><td>${when(agent.created_at)}</td></tr>`;
}

/** GET /console/agents */
export function agentsListView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const agents = await asSession(deps, session, (tx) => listOwnAgents(tx, session.userId));
    return page(c, {
      title: 'Agents',
      session,
      section: 'agents',
      body: html`<div class="actions"><h1>Agents</h1><a class="button" href="/console/agents/new">New agent</a></div>
<p class="muted">An agent is the identity one of your AI agents signs in to websites with: an <code>agent_id</code> and an <code>agent_secret</code>.</p>
${notice(doneNotice(c))}
<div class="card">${
        agents.length === 0
          ? html`<p class="empty">No agents yet. Create one to get credentials for your AI agent.</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">Agent</th><th scope="col">Email websites receive</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
<tbody>${agents.map(agentRow)}</tbody></table></div>`
      }</div>`,
    });
  });
}
