import type { Context } from 'hono';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { anonymousCsrfToken, assertCsrf, readAnonymousCsrf } from '../http/csrf.js';
import { readForm } from '../http/form.js';
import { confirmEmail } from '../mail/verification.js';
import type { ConsoleEnv } from '../session/load-session.js';
import { postForm } from '../views/components.js';
import { page } from '../views/shell.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * GET /console/verify-email?token= — only shows a button. Spending the link takes a POST,
 * so a mail scanner that follows links cannot confirm an address for someone else.
 */
export function verifyEmailView(deps: ConsoleDeps) {
  return (c: Context<ConsoleEnv>) => {
    const token = c.req.query('token') ?? '';
    const csrf = anonymousCsrfToken(c, deps.ctx.config.issuer);
    return page(c, {
      title: 'Confirm email address',
      session: c.get('session'),
      body: html`<div class="narrow"><div class="card"><h1>Confirm this email address?</h1>
<p>Confirm only if you asked Auth Agent to verify this address. Websites that your agents sign in to
will then be told the address is verified.</p>
${postForm({
  action: '/console/verify-email',
  csrf,
  body: html`<input type="hidden" name="token" value="${TOKEN.test(token) ? token : ''}"><button type="submit">Confirm email address</button>`,
})}</div></div>`,
    });
  };
}

export function verifyEmailAction(deps: ConsoleDeps) {
  const { config, db } = deps.ctx;
  return async (c: Context<ConsoleEnv>) => {
    const form = await readForm(c);
    assertCsrf(c, config.issuer, form, readAnonymousCsrf(c, config.issuer));
    const token = form.get('token') ?? '';
    const email = TOKEN.test(token) ? await confirmEmail(db, token) : undefined;
    if (email) deps.ctx.logger.info({ event: 'console.email_verified' }, 'email address verified');
    return page(c, {
      title: email ? 'Email confirmed' : 'Link not valid',
      session: c.get('session'),
      status: email ? 200 : 400,
      body: email
        ? html`<div class="narrow"><div class="card" role="status"><h1>Email address confirmed</h1>
<p><strong>${email}</strong> is now verified for your agents.</p><p><a href="/console">Go to the console</a></p></div></div>`
        : html`<div class="narrow"><div class="card" role="alert"><h1>This link is not valid</h1>
<p class="error">It was already used, has expired, or was copied incompletely. Ask for a new one in the console.</p></div></div>`,
    });
  };
}
