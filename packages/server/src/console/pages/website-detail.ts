import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { type ConsoleContext, csrfOf, view } from '../http/handlers.js';
import { loadOwned } from '../http/owned.js';
import { type ClientRow, findClient } from '../queries/clients.js';
import { agentsSignedInTo, type SignedInAgent } from '../queries/grants.js';
import { type SignInState, signInState } from '../queries/sign-in-state.js';
import type { ConsoleSession } from '../session/sessions.js';
import { actionButton, notice, postForm, statusPill, when } from '../views/components.js';
import { manageSection } from '../views/manage-section.js';
import { doneNotice } from '../views/notices.js';
import { page } from '../views/shell.js';
import { signInStateCard } from '../views/sign-in-state.js';
import { websiteFields } from './website-form.js';

const CLIENT_TYPES: Record<string, string> = {
  client_secret_basic: 'confidential (client_secret_basic or client_secret_post)',
  client_secret_post: 'confidential (client_secret_basic or client_secret_post)',
  private_key_jwt: 'confidential (private_key_jwt: signs with its own key)',
  none: 'public (PKCE, no secret)',
};

export interface WebsiteView {
  client: ClientRow;
  agents: SignedInAgent[];
  state: SignInState;
}

function agentsTable(base: string, agents: SignedInAgent[], csrf: string) {
  if (agents.length === 0) return html`<p class="empty">No agent is signed in to this website.</p>`;
  return html`<div class="table-wrap"><table><thead><tr><th scope="col">Agent</th><th scope="col">Model</th><th scope="col">Signed in</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${agents.map(
  (
    a,
  ) => html`<tr><td>${a.user_name ? html`${a.user_name}<br>` : ''}<code>${a.agent_id}</code></td><td>${a.models}</td><td>${when(a.first_signed_in)}</td><td>${when(a.last_used_at)}</td>
<td>${actionButton({ action: `${base}/agents/${a.agent_ref}/revoke`, csrf, text: 'Revoke', style: 'danger', small: true })}</td></tr>`,
)}</tbody></table></div>`;
}

export function websiteDetailPage(
  c: ConsoleContext,
  session: ConsoleSession,
  { client, agents, state }: WebsiteView,
  error?: string,
) {
  const csrf = csrfOf(session);
  const base = `/console/websites/${client.id}`;
  return page(c, {
    title: client.name,
    session,
    section: 'websites',
    status: error ? 400 : 200,
    body: html`<p><a href="/console/websites">← Websites</a></p>
<h1>${client.name} ${statusPill(client.disabled)}</h1>${notice(doneNotice(c))}${notice(error, 'bad')}
<section class="card" aria-labelledby="agents-h"><h2 id="agents-h">Agents signed in</h2>${agentsTable(base, agents, csrf)}</section>
${client.token_endpoint_auth_method === 'none' ? '' : signInStateCard({ state, unlockAction: `${base}/unlock`, csrf })}
<div class="grid">
<section class="card" aria-labelledby="settings-h"><h2 id="settings-h">Settings</h2>
<dl><dt>client_id</dt><dd><code>${client.client_id}</code></dd>
<dt>Type</dt><dd>${CLIENT_TYPES[client.token_endpoint_auth_method] ?? client.token_endpoint_auth_method}</dd>
<dt>Created</dt><dd>${when(client.created_at)}</dd><dt>Agents signed in</dt><dd>${String(agents.length)}</dd></dl>
${postForm({ action: `${base}/edit`, csrf, body: html`${websiteFields({ name: client.name, redirectUris: client.redirect_uris.join('\n') })}<button type="submit">Save</button>` })}
</section>
${manageSection({
  base,
  csrf,
  noun: 'website',
  disabled: client.disabled,
  rotate: client.confidential
    ? {
        text: 'Rotate client secret',
        explanation:
          'After a rotation the old secret keeps working for a while (24 hours by default), so the live website can move to the new one.',
        extra: client.previous_secret_expires_at
          ? html`<div class="notice warn" data-overlap>The previous secret still works until ${when(client.previous_secret_expires_at)}.</div>${actionButton({ action: `${base}/end-overlap`, csrf, text: 'Stop the previous secret now', style: 'secondary' })}`
          : undefined,
      }
    : undefined,
  disabledText: {
    enable: 'Enable the website to accept sign-ins again.',
    disable: 'A disabled website cannot start sign-ins or use its tokens.',
  },
  deleteText: 'Deleting removes the website and revokes every token it was issued.',
})}</div>`,
  });
}

export async function loadWebsite(
  deps: ConsoleDeps,
  c: ConsoleContext,
  session: ConsoleSession,
  rawId: string | undefined,
): Promise<WebsiteView> {
  // Authentications are stored in batches (security-log.ts): count the ones still waiting.
  await deps.ctx.security.log.flush();
  return loadOwned(deps, c, session, 'client', rawId, async (tx, id) => {
    const client = await findClient(tx, id);
    if (!client) return undefined;
    const agents = await agentsSignedInTo(tx, id);
    return { client, agents, state: await signInState(tx, 'client', client.client_id) };
  });
}

export function websiteDetailView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    return websiteDetailPage(c, session, await loadWebsite(deps, c, session, c.req.param('id')));
  });
}
