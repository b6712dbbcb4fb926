import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { asSession, view } from '../http/handlers.js';
import { type ClientRow, listOwnClients } from '../queries/clients.js';
import { notice, statusPill, when } from '../views/components.js';
import { doneNotice } from '../views/notices.js';
import { page } from '../views/shell.js';

function clientRow(client: ClientRow) {
  return html`<tr><td><a href="/console/websites/${client.id}">${client.name}</a><br><code>${client.client_id}</code></td>
<td>${client.confidential ? 'confidential' : 'public (PKCE only)'}</td><td>${statusPill(client.disabled)}</td><td>${when(client.created_at)}</td></tr>`;
}

/** GET /console/websites */
export function websitesListView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const clients = await asSession(deps, session, (tx) => listOwnClients(tx, session.userId));
    return page(c, {
      title: 'Websites',
      session,
      section: 'websites',
      body: html`<div class="actions"><h1>Websites</h1><a class="button" href="/console/websites/new">Register a website</a></div>
<p class="muted">A website (an OAuth client) shows "Sign in with Auth Agent" and receives tokens for the agents that sign in.</p>
${notice(doneNotice(c))}
<div class="card">${
        clients.length === 0
          ? html`<p class="empty">No websites yet. Register one to get a client_id.</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">Website</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
<tbody>${clients.map(clientRow)}</tbody></table></div>`
      }</div>`,
    });
  });
}
