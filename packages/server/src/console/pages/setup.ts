import type { Context } from 'hono';
import { isEmail, normalizeEmail } from '../../accounts/email.js';
import { passwordProblem } from '../../accounts/password-policy.js';
import { hashSecret } from '../../crypto/pbkdf2.js';
import { randomToken } from '../../crypto/random.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { writeCookie } from '../http/cookies.js';
import { anonymousCsrfToken, assertCsrf, readAnonymousCsrf } from '../http/csrf.js';
import { field, readForm } from '../http/form.js';
import { sendVerificationMail } from '../mail/verification.js';
import type { ConsoleEnv } from '../session/load-session.js';
import { completeSetup, setupTokenValid } from '../setup/setup-link.js';
import { notice, postForm } from '../views/components.js';
import { page, seeOther } from '../views/shell.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function invalidLink(c: Context) {
  return page(c, {
    title: 'Setup link not valid',
    status: 404,
    body: html`<div class="narrow"><div class="card" role="alert"><h1>This setup link is not valid</h1>
<p>It was already used or has expired, or an account already exists: the link works only until
the first account is created, by this link, by sign-up or by the CLI, even when that account is not
an administrator. Restart the server to print a new link while no account exists. Otherwise create
the administrator with <code>npx auth-agent user create --email you@example.com --admin</code>.</p></div></div>`,
  });
}

function setupPage(c: Context, deps: ConsoleDeps, token: string, error?: string, email = '') {
  const csrf = anonymousCsrfToken(c, deps.ctx.config.issuer);
  return page(c, {
    title: 'Set up Auth Agent',
    status: error ? 400 : 200,
    body: html`<div class="narrow"><div class="card"><h1>Create the administrator</h1>
<p class="muted">This one-time link creates the first account, which can manage every user, agent and website.</p>
${notice(error, 'bad')}
${postForm({
  action: '/console/setup',
  csrf,
  body: html`<input type="hidden" name="token" value="${token}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${email}">
<label for="password">Password <span class="hint">at least 12 characters, not a common one</span></label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required>
<button type="submit">Create administrator</button>`,
})}</div></div>`,
  });
}

export function setupView(deps: ConsoleDeps) {
  return async (c: Context<ConsoleEnv>) => {
    const token = c.req.query('token') ?? '';
    if (!TOKEN.test(token) || !(await setupTokenValid(deps.ctx.db, token))) return invalidLink(c);
    return setupPage(c, deps, token);
  };
}

export function setupAction(deps: ConsoleDeps) {
  const { config, db } = deps.ctx;
  return async (c: Context<ConsoleEnv>) => {
    const form = await readForm(c);
    assertCsrf(c, config.issuer, form, readAnonymousCsrf(c, config.issuer));
    const token = form.get('token') ?? '';
    const typed = field(form, 'email');
    const email = normalizeEmail(typed);
    const password = form.get('password') ?? '';
    if (!TOKEN.test(token) || !(await setupTokenValid(db, token))) return invalidLink(c);
    if (!isEmail(email)) return setupPage(c, deps, token, 'Enter a valid email address.', typed);
    const problem = passwordProblem(password, email);
    if (problem) return setupPage(c, deps, token, problem, email);
    const hash = await hashSecret(password, config.pbkdf2Iterations);
    const sessionId = randomToken(32);
    const userId = await completeSetup(db, token, {
      email,
      passwordHash: hash,
      sessionId,
      lifetimeSeconds: config.consoleSessionLifetime,
    });
    if (!userId) return invalidLink(c);
    deps.ctx.logger.info(
      { event: 'console.setup_completed', user_id: userId },
      'first admin created',
    );
    await sendVerificationMail(deps, { id: sessionId, userId, email }, email);
    writeCookie(c, 'session', config.issuer, sessionId);
    return seeOther(c, '/console');
  };
}
