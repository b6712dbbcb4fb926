import { type ApiRecord, visibleApis } from '../../storage/resource-server-store.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { asSession, view } from '../http/handlers.js';
import { notice, when } from '../views/components.js';
import { doneNotice } from '../views/notices.js';
import { page } from '../views/shell.js';

function apiRow(api: ApiRecord) {
  return html`<tr><td><a href="/console/apis/${api.id}">${api.name}</a><br><code>${api.identifier}</code><br><code>${api.apiId}</code></td>
<td>${api.scopes.join(' ') || '—'}</td><td>${when(api.createdAt)}</td></tr>`;
}

/** GET /console/apis — the owner's APIs (row-level security; an admin sees every owner's). */
export function apisListView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const apis = await asSession(deps, session, visibleApis);
    return page(c, {
      title: 'APIs',
      session,
      section: 'apis',
      body: html`<div class="actions"><h1>APIs</h1><a class="button" href="/console/apis/new">Register an API</a></div>
<p class="muted">An API (a resource server, such as an MCP server) accepts access tokens addressed to it: clients ask for them with <code>resource</code> set to its identifier, and the token's <code>aud</code> is that identifier.</p>
${notice(doneNotice(c))}
<div class="card">${
        apis.length === 0
          ? html`<p class="empty">No APIs yet. Register one to get tokens addressed to it.</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">API</th><th scope="col">Scopes</th><th scope="col">Created</th></tr></thead>
<tbody>${apis.map(apiRow)}</tbody></table></div>`
      }</div>`,
    });
  });
}
