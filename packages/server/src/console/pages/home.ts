import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import type { ConsoleContext } from '../http/handlers.js';
import { asSession, csrfOf } from '../http/handlers.js';
import { listOwnAgents } from '../queries/agents.js';
import { listOwnClients } from '../queries/clients.js';
import { actionButton, notice } from '../views/components.js';
import { doneNotice } from '../views/notices.js';
import { page } from '../views/shell.js';

/** GET /console — a first-time visitor learns the two things they can do here. */
export function homeView(deps: ConsoleDeps) {
  return async (c: ConsoleContext) => {
    const session = c.get('session');
    if (!session) return c.redirect('/console/login', 303);
    // One connection runs one query at a time: sequential, not Promise.all.
    const { agents, clients } = await asSession(deps, session, async (tx) => ({
      agents: await listOwnAgents(tx, session.userId),
      clients: await listOwnClients(tx, session.userId),
    }));
    return page(c, {
      title: 'Overview',
      session,
      section: 'home',
      body: html`<h1>Welcome</h1>${notice(doneNotice(c))}
${
  session.emailVerified
    ? ''
    : html`<div class="notice warn" role="status">Confirm your email address: ${deps.mailer.kind === 'smtp' ? html`we sent a link to <strong>${session.email}</strong>.` : html`this server cannot send mail (SMTP_URL is not set), so the link for <strong>${session.email}</strong> was only written to the server log.`}
Until then, websites are told your agents' email is not verified. ${actionButton({ action: '/console/account/verify-email', csrf: csrfOf(session), text: 'Send the link again', style: 'secondary', small: true })}</div>`
}
<div class="grid">
<section class="card" aria-labelledby="agents-h"><h2 id="agents-h">Agents <span class="pill">${String(agents.length)}</span></h2>
<p>Give your AI agent its own login: an <code>agent_id</code> and <code>agent_secret</code> it uses to sign in to websites for you. You see where it is signed in and can revoke it at any time.</p>
<p><a class="button" href="/console/agents/new">New agent</a> <a href="/console/agents">See all agents</a></p></section>
<section class="card" aria-labelledby="sites-h"><h2 id="sites-h">Websites <span class="pill">${String(clients.length)}</span></h2>
<p>Run a website that AI agents should sign in to? Register it to get a <code>client_id</code> (and secret) and an integration snippet.</p>
<p><a class="button" href="/console/websites/new">Register a website</a> <a href="/console/websites">See all websites</a></p>
<p class="muted">An app registered itself (an MCP client, say)? <a href="/console/registration">Claim it, or make registration tokens</a>.</p></section>
</div>`,
    });
  };
}
