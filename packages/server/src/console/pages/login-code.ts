import type { Context } from 'hono';
import { recoveryCodeHash } from '../../accounts/second-factor.js';
import { sourceOfRequest } from '../../auth/source.js';
import { sha256 } from '../../crypto/digest.js';
import { randomToken } from '../../crypto/random.js';
import { requestOf } from '../../http/request-context.js';
import { markAuthenticated } from '../../request-info.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { clearCookie, readCookie } from '../http/cookies.js';
import { anonymousCsrfToken, assertCsrf, readAnonymousCsrf } from '../http/csrf.js';
import { field, readForm } from '../http/form.js';
import { enterConsole } from '../session/enter-console.js';
import type { ConsoleEnv } from '../session/load-session.js';
import { notice, postForm } from '../views/components.js';
import { page, seeOther } from '../views/shell.js';

function codePage(c: Context, deps: ConsoleDeps, error?: string, status = 401) {
  const csrf = anonymousCsrfToken(c, deps.ctx.config.issuer);
  return page(c, {
    title: 'Enter your code',
    status: error ? status : 200,
    body: html`<div class="narrow"><div class="card"><h1>Two-step log-in</h1>
<p class="muted">Enter the 6-digit code your authenticator app shows for Auth Agent, or one of your recovery codes.</p>
${notice(error, 'bad')}
${postForm({
  action: '/console/login/code',
  csrf,
  body: html`<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" maxlength="32" required autofocus>
<button type="submit">Log in</button>`,
})}
<p class="muted"><a href="/console/login">Start again</a></p></div></div>`,
  });
}

function pendingId(c: Context, deps: ConsoleDeps): string | undefined {
  return readCookie(c, 'login', deps.ctx.config.issuer);
}

/** GET /console/login/code — only after a password held (the `login` cookie). */
export function loginCodeView(deps: ConsoleDeps) {
  return (c: Context<ConsoleEnv>) =>
    pendingId(c, deps) ? codePage(c, deps) : seeOther(c, '/console/login');
}

/**
 * POST /console/login/code — the second step of a log-in (functions/15-accounts.sql): a
 * TOTP code is accepted once, a recovery code once, and every wrong code counts toward the
 * account's lockout like a wrong password.
 */
export function loginCodeAction(deps: ConsoleDeps) {
  const { ctx, secondFactor } = deps;
  return async (c: Context<ConsoleEnv>) => {
    const form = await readForm(c);
    assertCsrf(c, ctx.config.issuer, form, readAnonymousCsrf(c, ctx.config.issuer));
    const challenge = pendingId(c, deps);
    const pending = challenge ? await secondFactor.store.pending(sha256(challenge)) : undefined;
    if (!challenge || !pending) {
      clearCookie(c, 'login', ctx.config.issuer);
      return seeOther(c, '/console/login', 'login-expired');
    }
    const code = field(form, 'code');
    const step = secondFactor.step(pending.sealed_secret, pending.user_id, code);
    const sessionId = randomToken(32);
    const result = await secondFactor.store.complete({
      challengeHash: sha256(challenge),
      step,
      recoveryHash: step === null ? (recoveryCodeHash(code) ?? null) : null,
      source: sourceOfRequest(requestOf(c)),
      sessionHash: sha256(sessionId),
      lifetimeSeconds: ctx.config.consoleSessionLifetime,
    });
    if (result.outcome === 'ok') {
      markAuthenticated(requestOf(c));
      await enterConsole(
        c,
        deps,
        pending.user_id,
        sessionId,
        result.by_recovery ? 'recovery_code' : 'totp',
      );
      return seeOther(c, '/console');
    }
    if (result.outcome === 'expired') {
      clearCookie(c, 'login', ctx.config.issuer);
      return seeOther(c, '/console/login', 'login-expired');
    }
    ctx.security.record(
      {
        event: 'user.second_factor',
        outcome: 'failure',
        actor: { type: 'anonymous' },
        target: { type: 'user', id: pending.user_id },
        userId: pending.user_id,
        details: { reason: result.outcome },
      },
      requestOf(c),
    );
    if (result.outcome === 'code_invalid' && result.retry_after === 0)
      return codePage(c, deps, 'That code is wrong, or was already used.');
    c.header('Retry-After', String(Math.max(1, result.retry_after)));
    return codePage(c, deps, 'Too many failed attempts. Try again later.', 429);
  };
}
