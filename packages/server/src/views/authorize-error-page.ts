import type { Context } from 'hono';
import { cspNonce, pageCsp } from '../http/nonce.js';
import { html } from './html.js';
import { layout } from './layout.js';

const INVALID = {
  heading: 'This sign-in link is not valid',
  advice:
    "Go back to the website and start the sign-in again. If it keeps happening, the website's Auth Agent settings need fixing.",
};
const TOO_MANY = {
  heading: 'Too many sign-ins right now',
  advice: 'Nothing is wrong with the link: wait a moment, then try again.',
};
const UNAVAILABLE = {
  heading: 'Sign-in is unavailable right now',
  advice: 'Nothing is wrong with the link: try again in a few seconds.',
};

/**
 * Shown for /authorize errors found before the client and its redirect URI are verified:
 * the server never redirects to an unverified URI (RFC 6749 §4.1.2.1, RFC 9700 §4.1).
 * A 503 (the database did not answer) or a 429 (rate limit) says so, and that a retry will do.
 */
export function errorPage(input: {
  nonce: string;
  error: string;
  description: string;
  status?: number;
}): string {
  const text = input.status === 503 ? UNAVAILABLE : input.status === 429 ? TOO_MANY : INVALID;
  return layout({
    title: 'Sign-in error — Auth Agent',
    nonce: input.nonce,
    body: html`<div class="card" role="alert">
  <span class="badge">Auth Agent</span>
  <h1>${text.heading}</h1>
  <p class="error">${input.description}</p>
  <p class="muted">Error code: <code>${input.error}</code>. ${text.advice}</p>
</div>`,
  });
}

/** The page as a response, under its own CSP and never cached. */
export function errorPageResponse(
  c: Context,
  input: { error: string; description: string; status?: number },
): Response {
  const nonce = cspNonce();
  c.header('Content-Security-Policy', pageCsp(nonce));
  c.header('Cache-Control', 'no-store');
  return c.html(errorPage({ nonce, ...input }), (input.status ?? 400) as 400);
}
