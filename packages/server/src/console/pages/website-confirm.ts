import { html, type SafeHtml } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { csrfOf, view } from '../http/handlers.js';
import type { SignedInAgent } from '../queries/grants.js';
import { when } from '../views/components.js';
import { confirmPage } from '../views/confirm.js';
import { loadWebsite, type WebsiteView } from './website-detail.js';

function signedIn(agents: SignedInAgent[]): SafeHtml {
  if (agents.length === 0) return html`No agent is signed in to it now.`;
  return html`End the sign-ins of ${String(agents.length)} ${agents.length === 1 ? 'agent' : 'agents'}: every token it was issued stops working at once.`;
}

function overlapHours(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} hours` : `${seconds} seconds`;
}

/** GET /console/websites/:id/delete — what deleting will break. */
export function websiteDeleteConfirmView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const { client, agents } = await loadWebsite(deps, c, session, c.req.param('id'));
    return confirmPage(c, {
      session,
      csrf: csrfOf(session),
      section: 'websites',
      cancel: `/console/websites/${client.id}`,
      heading: `Delete ${client.name}?`,
      consequences: [
        signedIn(agents),
        html`Make its client_id <code>${client.client_id}</code> unknown: the website's "Sign in with Auth Agent" fails until it is registered again and reconfigured.`,
        html`Keep its past entries in the security log. This cannot be undone.`,
      ],
      button: 'Delete website',
    });
  });
}

function rotateConsequences({ client }: WebsiteView, overlap: number): SafeHtml[] {
  const items = [
    overlap > 0
      ? html`Keep the current secret working for ${overlapHours(overlap)} (or until you end the overlap on the website's page), so the live website can move to the new one; then it stops.`
      : html`Make the current secret stop working at once: the live website fails to exchange codes until it has the new one.`,
    html`Show the new secret once, on the next page.`,
  ];
  if (client.previous_secret_expires_at)
    items.push(
      html`Make the secret replaced by the last rotation (still working until ${when(client.previous_secret_expires_at)}) stop at once.`,
    );
  return items;
}

/** GET /console/websites/:id/rotate — what rotating will break, and whether to overlap. */
export function websiteRotateConfirmView(deps: ConsoleDeps) {
  const overlap = deps.ctx.config.clientSecretOverlap;
  return view(async (c, session) => {
    const loaded = await loadWebsite(deps, c, session, c.req.param('id'));
    return confirmPage(c, {
      session,
      csrf: csrfOf(session),
      section: 'websites',
      cancel: `/console/websites/${loaded.client.id}`,
      heading: `Rotate the client secret of ${loaded.client.name}?`,
      consequences: rotateConsequences(loaded, overlap),
      fields:
        overlap > 0
          ? html`<label><input type="checkbox" name="overlap" value="none"> Stop the current secret at once instead <span class="hint">when it has leaked</span></label>`
          : undefined,
      button: 'Rotate client secret',
    });
  });
}
