import type { Context } from 'hono';
import { hashSecret } from '../../crypto/pbkdf2.js';
import { asUser } from '../../storage/owner-store.js';
import { html } from '../../views/html.js';
import { checkCredentials } from '../accounts/credentials.js';
import type { ConsoleDeps } from '../deps.js';
import { writeCookie } from '../http/cookies.js';
import { anonymousCsrfToken, assertCsrf, readAnonymousCsrf } from '../http/csrf.js';
import { field, readForm } from '../http/form.js';
import { setPasswordHash } from '../queries/users.js';
import type { ConsoleEnv } from '../session/middleware.js';
import { createSession, endSession } from '../session/sessions.js';
import { notice, postForm } from '../views/components.js';
import { doneNotice } from '../views/notices.js';
import { page, seeOther } from '../views/shell.js';

function loginPage(c: Context, deps: ConsoleDeps, error?: string, email = '') {
  const csrf = anonymousCsrfToken(c, deps.ctx.config.issuer);
  const signup = deps.ctx.config.consoleSignup === 'open';
  return page(c, {
    title: 'Log in',
    status: error ? 401 : 200,
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
  const { config, db } = deps.ctx;
  return async (c: Context<ConsoleEnv>) => {
    const form = await readForm(c);
    assertCsrf(c, config.issuer, form, readAnonymousCsrf(c, config.issuer));
    const email = field(form, 'email');
    const found: { user?: Awaited<ReturnType<typeof checkCredentials>> } = {};
    // Lockout is keyed on the email as typed, so unknown and real accounts lock alike.
    const checked = await deps.ctx.security.checkSecret('user', email.toLowerCase(), async () => {
      found.user = await checkCredentials(
        db,
        email,
        form.get('password') ?? '',
        config.pbkdf2Iterations,
      );
      return found.user !== undefined;
    });
    const user = found.user;
    if (checked.outcome === 'locked') {
      c.header('Retry-After', String(checked.retryAfter));
      return loginPage(c, deps, 'Too many failed attempts. Try again later.', email);
    }
    if (checked.outcome !== 'ok' || !user) {
      return loginPage(c, deps, 'The email or password is wrong.', email);
    }
    deps.ctx.security.record({
      event: 'user.authentication',
      outcome: 'success',
      actor: { type: 'user', id: user.id },
      target: { type: 'user', id: user.id },
      userId: user.id,
    });
    const previous = c.get('session');
    if (previous) await asUser(db, previous.userId, (tx) => endSession(tx, previous.id));
    if (user.rehash) {
      const hash = await hashSecret(form.get('password') ?? '', config.pbkdf2Iterations);
      await asUser(db, user.id, (tx) => setPasswordHash(tx, user.id, hash));
    }
    const sessionId = await createSession(db, user.id, config.consoleSessionLifetime);
    writeCookie(c, 'session', config.issuer, sessionId);
    deps.ctx.logger.info({ event: 'console.login', user_id: user.id }, 'console log-in');
    return seeOther(c, '/console');
  };
}
