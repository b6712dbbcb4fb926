import type { Context } from 'hono';
import { isEmail, normalizeEmail } from '../../accounts/email.js';
import { issuePasswordReset, RESET_LINK_TTL_SECONDS } from '../../accounts/password-reset.js';
import { requestOf } from '../../http/request-context.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { anonymousCsrfToken, assertCsrf, readAnonymousCsrf } from '../http/csrf.js';
import { field, readForm } from '../http/form.js';
import { canSendMail, sendPasswordResetMail } from '../mail/password-reset-mail.js';
import type { ConsoleEnv } from '../session/load-session.js';
import { notice, postForm } from '../views/components.js';
import { page } from '../views/shell.js';

function card(c: Context, title: string, body: ReturnType<typeof html>, status = 200) {
  return page(c, {
    title,
    status,
    body: html`<div class="narrow"><div class="card"><h1>${title}</h1>${body}
<p class="muted"><a href="/console/login">Back to log in</a></p></div></div>`,
  });
}

/** Without SMTP_URL the server cannot mail a link, and says so instead of pretending. */
function noMailPage(c: Context) {
  return card(
    c,
    'Reset your password',
    html`${notice('This server cannot send mail (its operator has not set SMTP_URL), so it cannot send password reset links.', 'warn')}
<p>Ask the server's operator to set a new password for you, or to configure mail.</p>`,
  );
}

function formPage(c: Context, deps: ConsoleDeps, error?: string, email = '') {
  const csrf = anonymousCsrfToken(c, deps.ctx.config.issuer);
  return card(
    c,
    'Reset your password',
    html`<p class="muted">Enter the email address of your account. We mail it a link to choose a new password.</p>
${notice(error, 'bad')}
${postForm({
  action: '/console/forgot-password',
  csrf,
  body: html`<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${email}">
<button type="submit">Send reset link</button>`,
})}`,
    error ? 400 : 200,
  );
}

export function forgotPasswordView(deps: ConsoleDeps) {
  return (c: Context<ConsoleEnv>) => (canSendMail(deps) ? formPage(c, deps) : noMailPage(c));
}

/**
 * POST /console/forgot-password — the same answer whether or not an account has this
 * address (no account enumeration); the mail goes out in the background. Budgeted per
 * address and per email (console_password_reset) and at most 3 links an hour per account.
 */
export function forgotPasswordAction(deps: ConsoleDeps) {
  const { config, db } = deps.ctx;
  return async (c: Context<ConsoleEnv>) => {
    const form = await readForm(c);
    assertCsrf(c, config.issuer, form, readAnonymousCsrf(c, config.issuer));
    if (!canSendMail(deps)) return noMailPage(c);
    const typed = field(form, 'email');
    const email = normalizeEmail(typed);
    if (!isEmail(email)) return formPage(c, deps, 'Enter a valid email address.', typed);
    const reset = await issuePasswordReset(db, email);
    if (reset) {
      sendPasswordResetMail(deps, reset);
      deps.ctx.security.record(
        {
          event: 'user.password_reset_requested',
          outcome: 'info',
          actor: { type: 'anonymous' },
          target: { type: 'user', id: reset.userId },
          userId: reset.userId,
        },
        requestOf(c),
      );
    }
    return card(
      c,
      'Check your mail',
      html`<p role="status">If an account uses <strong>${email}</strong>, we sent it a link to choose a new password. The link works once, for ${String(RESET_LINK_TTL_SECONDS / 60)} minutes.</p>
<p class="muted">No mail after a few minutes? Check the address and your spam folder, then ask again.</p>`,
    );
  };
}
