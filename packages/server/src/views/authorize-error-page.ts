import { html } from './html.js';
import { layout } from './layout.js';

/**
 * Shown for /authorize errors found before the client and its redirect URI are verified:
 * the server never redirects to an unverified URI (RFC 6749 §4.1.2.1, RFC 9700 §4.1).
 */
export function errorPage(input: { nonce: string; error: string; description: string }): string {
  return layout({
    title: 'Sign-in error — Auth Agent',
    nonce: input.nonce,
    body: html`<div class="card" role="alert">
  <span class="badge">Auth Agent</span>
  <h1>This sign-in link is not valid</h1>
  <p class="error">${input.description}</p>
  <p class="muted">Error code: <code>${input.error}</code>. Go back to the website and start the sign-in again.
  If it keeps happening, the website's Auth Agent settings need fixing.</p>
</div>`,
  });
}
