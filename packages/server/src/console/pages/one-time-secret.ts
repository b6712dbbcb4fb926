import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { objectId } from '../http/console-error.js';
import { type ConsoleContext, view } from '../http/handlers.js';
import { handOverSecret, takeOverSecret } from '../http/one-time-secret.js';
import type { ConsoleSession } from '../session/sessions.js';
import { codeBlock, notice, secretValue } from '../views/components.js';
import { page, seeOther } from '../views/shell.js';
import { agentSnippet, clientSnippet } from '../views/snippets.js';

/** What a create or rotate shows once: new credentials and the words around them. */
export type OneTimeSecret = { ref: string; heading: string; note: string } & (
  | { kind: 'agent'; agentId: string; agentSecret: string }
  | { kind: 'client'; clientId: string; clientSecret: string | null; redirectUri: string }
  | { kind: 'webhook'; webhookSecret: string }
);

/**
 * Ends a create or rotate action (POST-redirect-GET): the content goes sealed into the
 * one-time cookie (http/one-time-secret.ts), and a 303 to the page that shows it once.
 */
export function showOnce(
  deps: ConsoleDeps,
  c: ConsoleContext,
  session: ConsoleSession,
  content: OneTimeSecret,
): Response {
  handOverSecret(c, deps, session, content.ref, JSON.stringify(content));
  return seeOther(c, `/console/once/${content.ref}`);
}

function secretBody(issuer: string, s: OneTimeSecret) {
  if (s.kind === 'webhook')
    return html`${secretValue('webhook-secret', 'Webhook signing secret', s.webhookSecret)}
<p><a class="button" href="/console/agents/${s.ref}">Done, go to the agent</a></p>`;
  if (s.kind === 'agent')
    return html`${secretValue('agent-id', 'agent_id', s.agentId)}
${secretValue('agent-secret', 'agent_secret', s.agentSecret)}
${codeBlock('agent-snippet', 'Ready-to-run snippet', agentSnippet(issuer, s.agentId, s.agentSecret))}
<p><a class="button" href="/console/agents/${s.ref}">Done, go to the agent</a></p>`;
  return html`${secretValue('client-id', 'client_id', s.clientId)}
${s.clientSecret ? secretValue('client-secret', 'client_secret', s.clientSecret) : ''}
${codeBlock('client-snippet', 'Integration snippet', clientSnippet({ issuer, clientId: s.clientId, clientSecret: s.clientSecret, redirectUri: s.redirectUri }))}
<p><a class="button" href="/console/websites/${s.ref}">Done, go to the website</a></p>`;
}

/** GET /console/once/:ref — the one-time page; read once, then gone (a reload says so). */
export function oneTimeSecretView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const sealed = takeOverSecret(c, deps, session, objectId(c.req.param('ref')));
    const secret = sealed ? (JSON.parse(sealed) as OneTimeSecret) : undefined;
    if (!secret)
      return page(c, {
        title: 'Shown once',
        session,
        status: 410,
        body: html`<div class="narrow"><div class="card"><h1>This page was shown once</h1>
<p>A new secret is shown only once, and nothing was created or rotated again. If you did not copy it, rotate the secret on its page.</p>
<p><a href="/console/agents">Agents</a> · <a href="/console/websites">Websites</a></p></div></div>`,
      });
    return page(c, {
      title: secret.heading,
      session,
      section: secret.kind === 'client' ? 'websites' : 'agents',
      body: html`<div class="card" data-one-time-secret><h1>${secret.heading}</h1>
${notice(secret.note, secret.kind === 'client' && !secret.clientSecret ? 'info' : 'warn')}
${secretBody(deps.ctx.config.issuer, secret)}</div>`,
    });
  });
}
