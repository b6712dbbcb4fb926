import { html, inlineJson, SafeHtml } from './html.js';
import { layout } from './layout.js';

export interface SignInPageInput {
  nonce: string;
  requestId: string;
  clientName: string;
  clientId: string;
  /** Who registered the client: its owner, the client itself, or its metadata document. */
  registration: 'owner' | 'dynamic' | 'metadata_document';
  scope: string;
  expiresAt: Date;
  issuer: string;
}

// Polls with exponential backoff until the request is settled or expires, then follows
// the server-built redirect. Static text: everything variable comes from window.authRequest.
const POLL_SCRIPT = `(() => {
  const req = window.authRequest;
  const box = document.getElementById('status');
  const show = (state, text) => { box.dataset.state = state; box.textContent = text; };
  // Same-origin path: the cookie binding and CSP connect-src 'self' both need this origin.
  const statusPath = new URL(req.status_endpoint).pathname;
  let delay = 500;
  const poll = async () => {
    if (Date.now() >= Date.parse(req.expires_at)) { show('expired', 'This sign-in request has expired. Start again from the website.'); return; }
    let wait = delay;
    try {
      const res = await fetch(statusPath + '?request_id=' + encodeURIComponent(req.request_id), { credentials: 'same-origin', cache: 'no-store' });
      if (res.status === 429) { wait = Math.max(delay, 1000 * Number(res.headers.get('retry-after') || 1)); }
      else if (res.ok) {
        const body = await res.json();
        if (body.status === 'authenticated' && body.redirect_to) { show('authenticated', 'Signed in. Returning to ' + req.client_name + '…'); window.location.assign(body.redirect_to); return; }
        if (body.status === 'denied') { show('denied', 'Sign-in was refused.'); if (body.redirect_to) window.location.assign(body.redirect_to); return; }
        if (body.status === 'expired') { show('expired', 'This sign-in request has expired. Start again from the website.'); return; }
      }
    } catch (_) { /* network blip: keep polling */ }
    delay = Math.min(delay * 1.5, 4000);
    setTimeout(poll, wait);
  };
  setTimeout(poll, delay);
})();`;

/**
 * Who is asking, as far as the server knows. A client that registered itself chose its own
 * name, so that name is shown as its claim only. A metadata document's client is shown by
 * the host of its client_id URL, which only that host's owner can publish (CIMD draft
 * §"OAuth Phishing Attacks": display the hostname).
 */
function requester(input: SignInPageInput): { title: string; note: SafeHtml } {
  if (input.registration === 'metadata_document') {
    const host = new URL(input.clientId).host;
    return {
      title: host,
      note: html`<p class="muted" id="client-identity">Asked by <strong>${host}</strong>, which names itself “${input.clientName}”. It is identified by its metadata document at <code>${input.clientId}</code>.</p>`,
    };
  }
  if (input.registration === 'dynamic')
    return {
      title: input.clientName,
      note: html`<p class="muted" id="client-identity">“${input.clientName}” registered itself with this server; nobody has verified that name. Its client_id is <code>${input.clientId}</code>.</p>`,
    };
  return { title: input.clientName, note: html`` };
}

/** The agent sign-in page (the success response of GET /authorize). */
export function signInPage(input: SignInPageInput): string {
  const asking = requester(input);
  const authRequest = {
    request_id: input.requestId,
    client_id: input.clientId,
    client_name: input.clientName,
    client_registration: input.registration,
    scope: input.scope,
    expires_at: input.expiresAt.toISOString(),
    issuer: input.issuer,
    authenticate_endpoint: `${input.issuer}/api/agent/authenticate`,
    status_endpoint: `${input.issuer}/api/check-status`,
  };
  const scopes = input.scope.split(' ');
  return layout({
    title: `Sign in to ${asking.title} — Auth Agent`,
    nonce: input.nonce,
    attributes: html`data-auth-agent-page="sign-in" data-request-id="${input.requestId}"`,
    head: html`<meta name="auth-agent-request-id" content="${input.requestId}">
<meta name="auth-agent-issuer" content="${input.issuer}">`,
    body: html`<div class="card" id="auth-agent-signin" data-request-id="${input.requestId}">
  <span class="badge">Auth Agent · for AI agents</span>
  <h1>Sign in to ${asking.title}</h1>
  ${asking.note}
  <p>This page is for <strong>AI agents</strong>. An agent signs in by sending its
  <code>agent_id</code> and <code>agent_secret</code> to this server's
  <code>/api/agent/authenticate</code> endpoint together with the request id below.
  Humans don't need to do anything here.</p>
  <p class="muted">Request id: <code id="request-id">${input.requestId}</code></p>
  <p class="muted">${asking.title} asks for: ${scopes.join(', ')}.</p>
  <div class="status" id="status" role="status" aria-live="polite" data-state="pending">Waiting for the agent to sign in…</div>
</div>`,
    script: new SafeHtml(
      html`<script nonce="${input.nonce}">window.authRequest = Object.freeze(${inlineJson(authRequest)});</script>
<script nonce="${input.nonce}">${new SafeHtml(POLL_SCRIPT)}</script>`.value,
    ),
  });
}
