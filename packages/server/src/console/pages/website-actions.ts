import { generated } from '../../accounts/generated.js';
import { hashSecret } from '../../crypto/pbkdf2.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { consoleError, objectId } from '../http/console-error.js';
import { action, asSession } from '../http/handlers.js';
import { changeOwned, recordOwnerAction } from '../http/owner-action.js';
import {
  deleteClient,
  replaceClientSecret,
  setClientDisabled,
  updateClient,
} from '../queries/clients.js';
import { revokeAgentAtClient } from '../queries/grants.js';
import { codeBlock, notice, secretValue } from '../views/components.js';
import { page, seeOther } from '../views/shell.js';
import { clientSnippet } from '../views/snippets.js';
import { loadWebsite, websiteDetailPage } from './website-detail.js';
import { readWebsite } from './website-form.js';

export function websiteEditAction(deps: ConsoleDeps) {
  return action(deps, async (c, session, form) => {
    const input = readWebsite(form);
    if (typeof input === 'string') {
      const loaded = await loadWebsite(deps, c, session, c.req.param('id'));
      return websiteDetailPage(c, session, loaded, input);
    }
    const { id } = await changeOwned(deps, c, session, 'client', 'update', (tx, ref) =>
      updateClient(tx, ref, input),
    );
    return seeOther(c, `/console/websites/${id}`, 'saved');
  });
}

export function websiteToggleAction(deps: ConsoleDeps, disabled: boolean) {
  return action(deps, async (c, session) => {
    const { id } = await changeOwned(
      deps,
      c,
      session,
      'client',
      disabled ? 'disable' : 'enable',
      (tx, ref) => setClientDisabled(tx, ref, disabled),
    );
    return seeOther(c, `/console/websites/${id}`, disabled ? 'disabled' : 'enabled');
  });
}

export function websiteDeleteAction(deps: ConsoleDeps) {
  return action(deps, async (c, session) => {
    await changeOwned(deps, c, session, 'client', 'delete', deleteClient);
    return seeOther(c, '/console/websites', 'deleted');
  });
}

/** POST /console/websites/:id/rotate — confidential clients only; shown once. */
export function websiteRotateAction(deps: ConsoleDeps) {
  const { config } = deps.ctx;
  return action(deps, async (c, session) => {
    const { client } = await loadWebsite(deps, c, session, c.req.param('id'));
    if (!client.confidential) return seeOther(c, `/console/websites/${client.id}`);
    const clientSecret = generated.clientSecret();
    const hash = await hashSecret(clientSecret, config.pbkdf2Iterations);
    await changeOwned(deps, c, session, 'client', 'rotate_secret', (tx, ref) =>
      replaceClientSecret(tx, ref, hash),
    );
    return page(c, {
      title: 'Client secret rotated',
      session,
      section: 'websites',
      body: html`<div class="card" data-one-time-secret><h1>New client secret for ${client.name}</h1>
${notice('The old secret no longer works. Copy the new one now; it is shown only this once.', 'warn')}
${secretValue('client-id', 'client_id', client.client_id)}
${secretValue('client-secret', 'client_secret', clientSecret)}
${codeBlock('client-snippet', 'Integration snippet', clientSnippet({ issuer: config.issuer, clientId: client.client_id, clientSecret, redirectUri: client.redirect_uris[0] ?? '' }))}
<p><a class="button" href="/console/websites/${client.id}">Done</a></p></div>`,
    });
  });
}

/** POST /console/websites/:id/agents/:agentRef/revoke — ends one agent's sign-ins here. */
export function websiteAgentRevokeAction(deps: ConsoleDeps) {
  return action(deps, async (c, session) => {
    const { client } = await loadWebsite(deps, c, session, c.req.param('id'));
    const agentRef = objectId(c.req.param('agentRef'));
    const count = await asSession(deps, session, (tx) =>
      revokeAgentAtClient(tx, client.id, agentRef),
    );
    if (count === 0) throw consoleError.notFound();
    recordOwnerAction(deps, session, 'client', client.client_id, 'revoke', {
      agent_ref: agentRef,
      grants: count,
    });
    return seeOther(c, `/console/websites/${client.id}`, 'revoked');
  });
}
