import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { type ConsoleContext, csrfOf, view } from '../http/handlers.js';
import { loadOwned } from '../http/owned.js';
import { type ClientRow, findClient } from '../queries/clients.js';
import { countActiveGrantsOfClient } from '../queries/grants.js';
import type { ConsoleSession } from '../session/sessions.js';
import { notice, postForm, statusPill, when } from '../views/components.js';
import { manageSection } from '../views/manage-section.js';
import { doneNotice } from '../views/notices.js';
import { page } from '../views/shell.js';
import { websiteFields } from './website-form.js';

const CLIENT_TYPES: Record<string, string> = {
  client_secret_basic: 'confidential (client_secret_basic or client_secret_post)',
  client_secret_post: 'confidential (client_secret_basic or client_secret_post)',
  private_key_jwt: 'confidential (private_key_jwt: signs with its own key)',
  none: 'public (PKCE, no secret)',
};

export function websiteDetailPage(
  c: ConsoleContext,
  session: ConsoleSession,
  client: ClientRow,
  activeGrants: number,
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
<div class="grid">
<section class="card" aria-labelledby="settings-h"><h2 id="settings-h">Settings</h2>
<dl><dt>client_id</dt><dd><code>${client.client_id}</code></dd>
<dt>Type</dt><dd>${CLIENT_TYPES[client.token_endpoint_auth_method] ?? client.token_endpoint_auth_method}</dd>
<dt>Created</dt><dd>${when(client.created_at)}</dd><dt>Active sign-ins</dt><dd>${String(activeGrants)}</dd></dl>
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
        explanation: 'Rotating the secret makes the old one stop working at once.',
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
) {
  return loadOwned(deps, c, session, 'client', rawId, async (tx, id) => {
    const client = await findClient(tx, id);
    return client && { client, activeGrants: await countActiveGrantsOfClient(tx, id) };
  });
}

export function websiteDetailView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const { client, activeGrants } = await loadWebsite(deps, c, session, c.req.param('id'));
    return websiteDetailPage(c, session, client, activeGrants);
  });
}
