import type { Context } from 'hono';
import { isEmail, normalizeEmail } from '../../accounts/email.js';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../../accounts/password-policy.js';
import { sha256 } from '../../crypto/digest.js';
import { hashSecret } from '../../crypto/pbkdf2.js';
import { randomToken } from '../../crypto/random.js';
import { signUpUser } from '../../storage/owner-store.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { consoleError } from '../http/console-error.js';
import { writeCookie } from '../http/cookies.js';
import { anonymousCsrfToken, assertCsrf, readAnonymousCsrf } from '../http/csrf.js';
import { field, readForm } from '../http/form.js';
import { sendVerificationMail } from '../mail/verification.js';
import type { ConsoleEnv } from '../session/load-session.js';
import { notice, postForm } from '../views/components.js';
import { page, seeOther } from '../views/shell.js';

function signupPage(c: Context, deps: ConsoleDeps, error?: string, email = '') {
  const csrf = anonymousCsrfToken(c, deps.ctx.config.issuer);
  return page(c, {
    title: 'Sign up',
    status: error ? 400 : 200,
    body: html`<div class="narrow"><div class="card">
<h1>Create your account</h1>
<p class="muted">With an account you create agents (the identities your AI agents sign in with)
and register websites that accept them.</p>
${notice(error, 'bad')}
${postForm({
  action: '/console/signup',
  csrf,
  body: html`<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${email}">
<label for="password">Password <span class="hint">at least ${MIN_PASSWORD_LENGTH} characters, not a common one</span></label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required>
<button type="submit">Create account</button>`,
})}
<p class="muted">Already have an account? <a href="/console/login">Log in</a>.</p>
</div></div>`,
  });
}

function assertSignupOpen(deps: ConsoleDeps) {
  if (deps.ctx.config.consoleSignup !== 'open')
    throw consoleError.forbidden('Sign-up is closed on this server. Ask an administrator.');
}

export function signupView(deps: ConsoleDeps) {
  return (c: Context<ConsoleEnv>) => {
    assertSignupOpen(deps);
    return c.get('session') ? c.redirect('/console', 303) : signupPage(c, deps);
  };
}

/** POST /console/signup — creates a plain user, logs them in and mails a verification link. */
export function signupAction(deps: ConsoleDeps) {
  const { config, db } = deps.ctx;
  return async (c: Context<ConsoleEnv>) => {
    assertSignupOpen(deps);
    const form = await readForm(c);
    assertCsrf(c, config.issuer, form, readAnonymousCsrf(c, config.issuer));
    const typed = field(form, 'email');
    const email = normalizeEmail(typed);
    const password = form.get('password') ?? '';
    if (!isEmail(email)) return signupPage(c, deps, 'Enter a valid email address.', typed);
    const problem = passwordProblem(password, email);
    if (problem) return signupPage(c, deps, problem, email);
    const sessionId = randomToken(32);
    let userId: string;
    try {
      userId = await signUpUser(db, {
        email,
        passwordHash: await hashSecret(password, config.pbkdf2Iterations),
        sessionHash: sha256(sessionId),
        lifetimeSeconds: config.consoleSessionLifetime,
      });
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      return signupPage(c, deps, 'An account with this email already exists. Log in instead.');
    }
    deps.ctx.logger.info({ event: 'console.signup', user_id: userId }, 'console account created');
    await sendVerificationMail(deps, { id: sessionId, userId, email }, email);
    writeCookie(c, 'session', config.issuer, sessionId);
    return seeOther(c, '/console');
  };
}
