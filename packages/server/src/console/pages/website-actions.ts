import { generated } from '../../accounts/generated.js';
import { hashSecret, hashSecretUnder } from '../../crypto/pbkdf2.js';
import type { ConsoleDeps } from '../deps.js';
import { consoleError, objectId } from '../http/console-error.js';
import { action, asSession } from '../http/handlers.js';
import { changeOwned, recordOwnerAction } from '../http/owner-action.js';
import {
  clientSecretParams,
  deleteClient,
  endSecretOverlap,
  rotateClientSecret,
  setClientDisabled,
  updateClient,
} from '../queries/clients.js';
import { revokeAgentAtClient } from '../queries/grants.js';
import type { ConsoleSession } from '../session/sessions.js';
import { confirmed, toConfirmation } from '../views/confirm.js';
import { seeOther } from '../views/shell.js';
import { showOnce } from './one-time-secret.js';
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
  return action(deps, async (c, session, form) => {
    if (!confirmed(form)) return toConfirmation(c);
    await changeOwned(deps, c, session, 'client', 'delete', deleteClient);
    return seeOther(c, '/console/websites', 'deleted');
  });
}

/** A new client secret's hash: under the current one's parameters when both will work a while. */
async function newSecretHash(
  deps: ConsoleDeps,
  session: ConsoleSession,
  ref: string,
  secret: string,
  overlap: number,
): Promise<string> {
  if (overlap === 0) return hashSecret(secret, deps.ctx.config.pbkdf2Iterations);
  const params = await asSession(deps, session, (tx) => clientSecretParams(tx, ref));
  const hash = params && (await hashSecretUnder(secret, params));
  if (!hash) throw consoleError.notFound();
  return hash;
}

/**
 * POST /console/websites/:id/rotate — once confirmed. By default the replaced secret keeps
 * working for CLIENT_SECRET_OVERLAP seconds, so the live website can be redeployed with the
 * new one; `overlap=none` stops it at once (a leaked secret). The new one is shown once, next.
 */
export function websiteRotateAction(deps: ConsoleDeps) {
  const { config } = deps.ctx;
  return action(deps, async (c, session, form) => {
    if (!confirmed(form)) return toConfirmation(c);
    const { client } = await loadWebsite(deps, c, session, c.req.param('id'));
    if (!client.confidential) return seeOther(c, `/console/websites/${client.id}`);
    const overlap = form.get('overlap') === 'none' ? 0 : config.clientSecretOverlap;
    const clientSecret = generated.clientSecret();
    const hash = await newSecretHash(deps, session, client.id, clientSecret, overlap);
    await changeOwned(deps, c, session, 'client', 'rotate_secret', (tx, ref) =>
      rotateClientSecret(tx, ref, hash, overlap),
    );
    const until = new Date(Date.now() + overlap * 1000)
      .toISOString()
      .slice(0, 16)
      .replace('T', ' ');
    return showOnce(deps, c, session, {
      kind: 'client',
      ref: client.id,
      clientId: client.client_id,
      clientSecret,
      redirectUri: client.redirect_uris[0] ?? '',
      heading: `New client secret for ${client.name}`,
      note:
        overlap > 0
          ? `The old secret keeps working until about ${until} UTC, or until you end the overlap on the website's page. Copy the new one now; it is shown only this once.`
          : 'The old secret no longer works. Copy the new one now; it is shown only this once.',
    });
  });
}

/** POST /console/websites/:id/end-overlap — the secret a rotation replaced stops now. */
export function websiteEndOverlapAction(deps: ConsoleDeps) {
  return action(deps, async (c, session) => {
    const { id } = await changeOwned(deps, c, session, 'client', 'end_overlap', endSecretOverlap);
    return seeOther(c, `/console/websites/${id}`, 'overlap-ended');
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
    recordOwnerAction(deps, c, session, 'client', client.client_id, 'revoke', {
      agent_ref: agentRef,
      grants: count,
    });
    return seeOther(c, `/console/websites/${client.id}`, 'revoked');
  });
}
