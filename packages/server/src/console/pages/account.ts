import { passwordProblem } from '../../accounts/password-policy.js';
import { hashSecret } from '../../crypto/pbkdf2.js';
import { requestOf } from '../../http/request-context.js';
import { html } from '../../views/html.js';
import { withPassword } from '../accounts/password-check.js';
import type { ConsoleDeps } from '../deps.js';
import { writeCookie } from '../http/cookies.js';
import { action, asSession, type ConsoleContext, csrfOf, view } from '../http/handlers.js';
import { sendVerificationMail, verificationNotice } from '../mail/verification.js';
import type { ConsoleSession } from '../session/sessions.js';
import { endOtherSessions, startAnotherSession } from '../session/sessions.js';
import { actionButton, notice, postForm } from '../views/components.js';
import { doneNotice } from '../views/notices.js';
import { page, seeOther } from '../views/shell.js';

function accountPage(c: ConsoleContext, session: ConsoleSession, error?: string) {
  const csrf = csrfOf(session);
  return page(c, {
    title: 'Account',
    session,
    section: 'account',
    status: error ? 400 : 200,
    body: html`<h1>Account</h1>${notice(doneNotice(c))}${notice(error, 'bad')}
<div class="grid">
<section class="card" aria-labelledby="email-h"><h2 id="email-h">Email</h2>
<p><strong>${session.email}</strong> ${session.emailVerified ? html`<span class="pill ok">confirmed</span>` : html`<span class="pill">not confirmed</span>`}</p>
${session.emailVerified ? html`<p class="muted">Your agents may tell websites this address is verified.</p>` : html`<p class="muted">Until you confirm it, websites are told your agents' email is <em>not</em> verified.</p>${actionButton({ action: '/console/account/verify-email', csrf, text: 'Send the confirmation link again', style: 'secondary' })}`}
</section>
<section class="card" aria-labelledby="pw-h"><h2 id="pw-h">Change password</h2>
${postForm({
  action: '/console/account/password',
  csrf,
  body: html`<input type="text" name="username" autocomplete="username" value="${session.email}" hidden>
<label for="current">Current password</label>
<input id="current" name="current" type="password" autocomplete="current-password" required>
<label for="next">New password <span class="hint">at least 12 characters, not a common one</span></label>
<input id="next" name="next" type="password" autocomplete="new-password" minlength="12" required>
<button type="submit">Change password</button>`,
})}
<p class="muted">Changing it logs out every other session.</p>
</section>
<section class="card" aria-labelledby="tf-h"><h2 id="tf-h">Two-step log-in</h2>
<p>Ask for a code from an authenticator app after the password, so a stolen password is not enough.</p>
<p><a class="button secondary" href="/console/account/second-factor">Set up or manage two-step log-in</a></p>
</section></div>`,
  });
}

export function accountView() {
  return view((c, session) => accountPage(c, session));
}

/** POST /console/account/password — new hash, new session id, every other session ended. */
export function changePasswordAction(deps: ConsoleDeps) {
  const { config } = deps.ctx;
  return action(deps, async (c, session, form) => {
    const current = form.get('current') ?? '';
    const next = form.get('next') ?? '';
    const problem = passwordProblem(next, session.email);
    if (problem) return accountPage(c, session, problem);
    const hash = await hashSecret(next, config.pbkdf2Iterations);
    const changed = await withPassword(deps.ctx, session.email, current, requestOf(c), (user) =>
      deps.ctx.accounts.changePassword(user, hash),
    );
    if (changed.outcome !== 'ok') return accountPage(c, session, 'The current password is wrong.');
    // The new session first: the current one is the identity that may add it.
    const sessionId = await asSession(deps, session, async (tx) => {
      const id = await startAnotherSession(tx, session.userId, config.consoleSessionLifetime);
      await endOtherSessions(tx, session.userId, id);
      return id;
    });
    writeCookie(c, 'session', config.issuer, sessionId);
    deps.ctx.logger.info(
      { event: 'console.password_changed', user_id: session.userId },
      'password changed',
    );
    return seeOther(c, '/console/account', 'password-changed');
  });
}

export function resendVerificationAction(deps: ConsoleDeps) {
  return action(deps, async (c, session) => {
    await sendVerificationMail(deps, session, session.email);
    return seeOther(c, '/console/account', verificationNotice(deps));
  });
}
