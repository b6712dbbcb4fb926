import {
  type ApiRecord,
  deleteVisibleApi,
  visibleApi,
} from '../../storage/resource-server-store.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { objectId } from '../http/console-error.js';
import { action, asSession, csrfOf, view } from '../http/handlers.js';
import { takeOverSecret } from '../http/one-time-secret.js';
import { loadOwned, notVisible } from '../http/owned.js';
import { recordOwnerAction } from '../http/owner-action.js';
import { notice, secretValue, when } from '../views/components.js';
import { confirmed, confirmPage, toConfirmation } from '../views/confirm.js';
import { page, seeOther } from '../views/shell.js';

const settings = (
  api: ApiRecord,
) => html`<dl><dt>Identifier (resource, aud)</dt><dd><code>${api.identifier}</code></dd>
<dt>api_id</dt><dd><code>${api.apiId}</code></dd>
<dt>Scopes</dt><dd>${api.scopes.length ? html`<code>${api.scopes.join(' ')}</code>` : '—'}</dd>
<dt>Created</dt><dd>${when(api.createdAt)}</dd></dl>`;

/** GET /console/apis/:id — with the api_secret, once, right after the API was registered. */
export function apiDetailView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const api = await loadOwned(deps, c, session, 'api', c.req.param('id'), visibleApi);
    const secret = takeOverSecret(c, deps, session, api.id);
    return page(c, {
      title: api.name,
      session,
      section: 'apis',
      body: html`<p><a href="/console/apis">← APIs</a></p><h1>${api.name}</h1>
${
  secret
    ? html`<div class="card" data-one-time-secret>${notice('Copy the API secret now. It is shown only this once; if you lose it, rotate it with the CLI (auth-agent api rotate-secret).', 'warn')}
${secretValue('api-id', 'api_id', api.apiId)}${secretValue('api-secret', 'api_secret', secret)}</div>`
    : ''
}
<div class="grid"><section class="card" aria-labelledby="settings-h"><h2 id="settings-h">Settings</h2>${settings(api)}
<p class="muted">The API checks tokens offline against this server's JWKS with audience <code>${api.identifier}</code>, or introspects them with its api_id and api_secret (docs/resource-servers.md).</p></section>
<section class="card" aria-labelledby="manage-h"><h2 id="manage-h">Manage</h2>
<p>Deleting the API stops new tokens for its identifier and its introspection.</p>
<p><a class="button danger" href="/console/apis/${api.id}/delete">Delete API…</a></p></section></div>`,
    });
  });
}

/** GET /console/apis/:id/delete — asks before deleting (views/confirm.ts). */
export function apiDeleteConfirmView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const api = await loadOwned(deps, c, session, 'api', c.req.param('id'), visibleApi);
    return confirmPage(c, {
      session,
      csrf: csrfOf(session),
      section: 'apis',
      cancel: `/console/apis/${api.id}`,
      heading: `Delete ${api.name}?`,
      consequences: [
        html`Refuse new tokens for its identifier <code>${api.identifier}</code> (invalid_target).`,
        html`Stop the API's introspection with its api_id and api_secret. This cannot be undone.`,
      ],
      button: `Delete ${api.name}`,
    });
  });
}

/** POST /console/apis/:id/delete */
export function apiDeleteAction(deps: ConsoleDeps) {
  return action(deps, async (c, session, form) => {
    if (!confirmed(form)) return toConfirmation(c);
    const id = objectId(c.req.param('id'));
    const apiId = await asSession(deps, session, async (tx) => {
      const deleted = await deleteVisibleApi(tx, id);
      if (!deleted) await notVisible(deps, c, tx, session, 'api', id);
      return deleted;
    });
    if (apiId) recordOwnerAction(deps, c, session, 'api', apiId, 'delete');
    return seeOther(c, '/console/apis', 'api-deleted');
  });
}
