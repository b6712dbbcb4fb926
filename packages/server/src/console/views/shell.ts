import type { Context } from 'hono';
import { cspNonce, pageCsp } from '../../http/nonce.js';
import { html, SafeHtml } from '../../views/html.js';
import { layout } from '../../views/layout.js';
import { sessionCsrfToken } from '../http/csrf.js';
import type { ConsoleSession } from '../session/sessions.js';
import { COPY_SCRIPT } from './copy-script.js';
import { CONSOLE_STYLE } from './style.js';

export type Section =
  | 'home'
  | 'agents'
  | 'websites'
  | 'apis'
  | 'account'
  | 'security'
  | 'admin'
  | 'none';

export interface PageInput {
  title: string;
  body: SafeHtml | ((nonce: string) => SafeHtml);
  session?: ConsoleSession | undefined;
  section?: Section;
  status?: number;
  /** Supply when the body was rendered ahead with this nonce (async admin pages). */
  nonce?: string;
}

function topbar(session: ConsoleSession | undefined, section: Section): SafeHtml {
  const link = (href: string, name: Section, text: string) =>
    html`<a href="${href}"${section === name ? html` aria-current="page"` : ''}>${text}</a>`;
  if (!session) {
    return html`<header class="topbar"><a class="brand" href="/console">Auth Agent console</a>
<nav aria-label="Account">${link('/console/login', 'none', 'Log in')}${link('/console/signup', 'none', 'Sign up')}</nav></header>`;
  }
  return html`<header class="topbar"><a class="brand" href="/console">Auth Agent console</a>
<nav aria-label="Console">${link('/console/agents', 'agents', 'Agents')}${link('/console/websites', 'websites', 'Websites')}${link('/console/apis', 'apis', 'APIs')}${link('/console/account', 'account', 'Account')}${link('/console/security', 'security', 'Security log')}${session.role === 'admin' ? link('/console/admin', 'admin', 'Admin') : ''}</nav>
<form method="post" action="/console/logout"><input type="hidden" name="csrf" value="${sessionCsrfToken(session.id)}"><button type="submit" class="secondary small">Log out</button></form></header>`;
}

/**
 * Renders a console page: the shared layout with a per-response CSP nonce, the navigation,
 * `no-store` (pages can show one-time secrets) and `Referrer-Policy: same-origin`, which
 * makes browsers send the Origin header that the CSRF check reads.
 */
export function page(c: Context, input: PageInput): Response {
  const nonce = input.nonce ?? cspNonce();
  const body = typeof input.body === 'function' ? input.body(nonce) : input.body;
  c.header('Content-Security-Policy', pageCsp(nonce));
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'same-origin');
  const document = layout({
    title: `${input.title} — Auth Agent console`,
    nonce,
    referrer: 'same-origin',
    head: html`<style nonce="${nonce}">${new SafeHtml(CONSOLE_STYLE)}</style>`,
    attributes: html`data-console-page="${input.section ?? 'none'}"`,
    body: html`${topbar(input.session, input.section ?? 'none')}${body}`,
    script: html`<script nonce="${nonce}">${new SafeHtml(COPY_SCRIPT)}</script>`,
  });
  return c.html(document, (input.status ?? 200) as 200);
}

/** After a successful POST: 303 to a page, with a fixed notice key (never echoed text). */
/**
 * The request's path as it came, still percent-encoded. `c.req.path` is decoded, and a decoded
 * NUL or line break cannot go into a Location header (a 500) nor should it into a form action.
 */
export function encodedPath(c: Context): string {
  return new URL(c.req.url).pathname;
}

export function seeOther(c: Context, path: string, notice?: string): Response {
  const target = notice ? `${path}${path.includes('?') ? '&' : '?'}done=${notice}` : path;
  return c.redirect(target, 303);
}
