import type { Context } from 'hono';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../../accounts/password-policy.js';
import { RESET_TOKEN, resetPassword, resetTokenEmail } from '../../accounts/password-reset.js';
import { hashSecret } from '../../crypto/pbkdf2.js';
import { requestOf } from '../../http/request-context.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { anonymousCsrfToken, assertCsrf, readAnonymousCsrf } from '../http/csrf.js';
import { readForm } from '../http/form.js';
import type { ConsoleEnv } from '../session/load-session.js';
import { notice, postForm } from '../views/components.js';
import { page, seeOther } from '../views/shell.js';

function deadLink(c: Context) {
  return page(c, {
    title: 'Link not valid',
    status: 400,
    body: html`<div class="narrow"><div class="card" role="alert"><h1>This reset link is not valid</h1>
<p class="error">It was already used, has expired, or was copied incompletely.</p>
<p><a href="/console/forgot-password">Ask for a new link</a></p></div></div>`,
  });
}

function resetPage(c: Context, deps: ConsoleDeps, token: string, email: string, error?: string) {
  const csrf = anonymousCsrfToken(c, deps.ctx.config.issuer);
  return page(c, {
    title: 'Choose a new password',
    status: error ? 400 : 200,
    body: html`<div class="narrow"><div class="card"><h1>Choose a new password</h1>
<p class="muted">For <strong>${email}</strong>. Every console session of this account will be logged out.</p>
${notice(error, 'bad')}
${postForm({
  action: '/console/reset-password',
  csrf,
  body: html`<input type="hidden" name="token" value="${token}">
<input type="text" name="username" autocomplete="username" value="${email}" hidden>
<label for="password">New password <span class="hint">at least ${MIN_PASSWORD_LENGTH} characters, not a common one</span></label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required>
<button type="submit">Set new password</button>`,
})}</div></div>`,
  });
}

/** GET /console/reset-password?token= — shows the form; only the POST spends the link. */
export function resetPasswordView(deps: ConsoleDeps) {
  return async (c: Context<ConsoleEnv>) => {
    const token = c.req.query('token') ?? '';
    const email = RESET_TOKEN.test(token) ? await resetTokenEmail(deps.ctx.db, token) : undefined;
    return email ? resetPage(c, deps, token, email) : deadLink(c);
  };
}

/** POST /console/reset-password — new password, sessions ended, recorded; then log in. */
export function resetPasswordAction(deps: ConsoleDeps) {
  const { config, db } = deps.ctx;
  return async (c: Context<ConsoleEnv>) => {
    const form = await readForm(c);
    assertCsrf(c, config.issuer, form, readAnonymousCsrf(c, config.issuer));
    const token = form.get('token') ?? '';
    const password = form.get('password') ?? '';
    const email = RESET_TOKEN.test(token) ? await resetTokenEmail(db, token) : undefined;
    if (!email) return deadLink(c);
    const problem = passwordProblem(password, email);
    if (problem) return resetPage(c, deps, token, email, problem);
    const userId = await resetPassword(
      db,
      token,
      await hashSecret(password, config.pbkdf2Iterations),
    );
    if (!userId) return deadLink(c);
    deps.ctx.security.record(
      {
        event: 'user.password_reset',
        outcome: 'success',
        actor: { type: 'user', id: userId },
        target: { type: 'user', id: userId },
        userId,
        details: { sessions_ended: true },
      },
      requestOf(c),
    );
    return seeOther(c, '/console/login', 'password-reset');
  };
}
