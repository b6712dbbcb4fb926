import type { Context } from 'hono';
import { isEmail, normalizeEmail } from '../../accounts/email.js';
import { sha256 } from '../../crypto/digest.js';
import { hashSecret } from '../../crypto/pbkdf2.js';
import { randomToken } from '../../crypto/random.js';
import { requestOf } from '../../http/request-context.js';
import { authenticationRefused } from '../../security/auth-events.js';
import type { LoginResult } from '../../storage/account-store.js';
import { inSession } from '../../storage/owner-store.js';
import type { PrincipalOutcome } from '../../storage/principal-store.js';
import { html } from '../../views/html.js';
import { withPassword } from '../accounts/password-check.js';
import type { ConsoleDeps } from '../deps.js';
import { writeCookie } from '../http/cookies.js';
import { anonymousCsrfToken, assertCsrf, readAnonymousCsrf } from '../http/csrf.js';
import { field, readForm } from '../http/form.js';
import { setPasswordHash } from '../queries/users.js';
import { enterConsole } from '../session/enter-console.js';
import type { ConsoleEnv } from '../session/load-session.js';
import { notice, postForm } from '../views/components.js';
import { doneNotice } from '../views/notices.js';
import { page, seeOther } from '../views/shell.js';

function loginPage(c: Context, deps: ConsoleDeps, error?: string, email = '', status = 401) {
  const csrf = anonymousCsrfToken(c, deps.ctx.config.issuer);
  const signup = deps.ctx.config.consoleSignup === 'open';
  return page(c, {
    title: 'Log in',
    status: error ? status : 200,
    body: html`<div class="narrow"><div class="card">
<h1>Log in</h1>
<p class="muted">Manage the AI agents that sign in for you, and the websites that accept them.</p>
${notice(doneNotice(c))}${notice(error, 'bad')}
${postForm({
  action: '/console/login',
  csrf,
  body: html`<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${email}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>`,
})}
<p class="muted"><a href="/console/forgot-password">Forgot password?</a></p>
${signup ? html`<p class="muted">No account yet? <a href="/console/signup">Sign up</a>.</p>` : ''}
</div></div>`,
  });
}

export function loginView(deps: ConsoleDeps) {
  return (c: Context<ConsoleEnv>) =>
    c.get('session') ? c.redirect('/console', 303) : loginPage(c, deps);
}

/** POST /console/login — a new session id on every log-in (no session fixation). */
export function loginAction(deps: ConsoleDeps) {
  const { ctx } = deps;
  const { config, db } = ctx;
  return async (c: Context<ConsoleEnv>) => {
    const form = await readForm(c);
    assertCsrf(c, config.issuer, form, readAnonymousCsrf(c, config.issuer));
    const typed = field(form, 'email');
    const email = normalizeEmail(typed);
    const password = form.get('password') ?? '';
    if (!isEmail(email)) return loginPage(c, deps, 'The email or password is wrong.', typed);
    const sessionId = randomToken(32);
    const request = requestOf(c);
    const result = await withPassword(ctx, email, password, request, (user) =>
      ctx.accounts.login(user, {
        idHash: sha256(sessionId),
        lifetimeSeconds: config.consoleSessionLifetime,
      }),
    );
    if (result.outcome !== 'ok') {
      const refused = result.outcome as Exclude<PrincipalOutcome, 'principal_retry'>;
      for (const event of authenticationRefused('user', email, refused, result.retryAfter))
        ctx.security.record(event, request);
      if (refused === 'principal_locked') {
        c.header('Retry-After', String(result.retryAfter));
        return loginPage(c, deps, 'Too many failed attempts. Try again later.', typed);
      }
      // Attempts still being checked, or password hashing at its bound (docs/security.md).
      if (refused === 'principal_busy') {
        c.header('Retry-After', String(Math.max(1, result.retryAfter)));
        const busy = 'Too many log-ins are being checked right now. Try again in a few seconds.';
        return loginPage(c, deps, busy, typed, 503);
      }
      return loginPage(c, deps, 'The email or password is wrong.', typed);
    }
    const { userId, secondFactor } = result as LoginResult & { outcome: 'ok' };
    if (secondFactor) {
      // The id names a pending log-in, not a session, until the code is checked.
      writeCookie(c, 'login', config.issuer, sessionId);
      return seeOther(c, '/console/login/code');
    }
    if ((result as { iterations: number }).iterations < config.pbkdf2Iterations) {
      const hash = await hashSecret(password, config.pbkdf2Iterations);
      await inSession(db, sessionId, (tx) => setPasswordHash(tx, userId, hash));
    }
    await enterConsole(c, deps, userId, sessionId, 'password');
    return seeOther(c, '/console');
  };
}
