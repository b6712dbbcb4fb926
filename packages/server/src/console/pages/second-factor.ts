import { newRecoveryCodes, recoveryCodeHash } from '../../accounts/second-factor.js';
import { requestOf } from '../../http/request-context.js';
import type { TotpRow } from '../../storage/second-factor-store.js';
import { html, type SafeHtml } from '../../views/html.js';
import { withPassword } from '../accounts/password-check.js';
import type { ConsoleDeps } from '../deps.js';
import { action, asSession, type ConsoleContext, csrfOf, view } from '../http/handlers.js';
import type { ConsoleSession } from '../session/sessions.js';
import { actionButton, codeBlock, notice, postForm } from '../views/components.js';
import { doneNotice } from '../views/notices.js';
import { page, seeOther } from '../views/shell.js';

const BASE = '/console/account/second-factor';

function codeField(label = 'Code from the app'): SafeHtml {
  return html`<label for="code">${label}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required>`;
}

function offCard(csrf: string): SafeHtml {
  return html`<p>Two-step log-in is <strong>off</strong>: your password alone logs you in.</p>
<p class="muted">With it on, a log-in also asks for a 6-digit code from an authenticator app on your phone (any TOTP app), so a stolen password is not enough.</p>
${actionButton({ action: `${BASE}/start`, csrf, text: 'Set up two-step log-in' })}`;
}

function pendingCard(deps: ConsoleDeps, session: ConsoleSession, row: TotpRow, csrf: string) {
  const shown = deps.secondFactor.describe(row.sealed_secret, session.userId, session.email);
  if (!shown) return offCard(csrf);
  return html`<ol class="steps"><li>In your authenticator app, add an account: open the link below on your phone, or type the key.</li>
<li>Enter the 6-digit code the app then shows.</li></ol>
<p><a href="${shown.uri}">Open in authenticator app</a></p>
${codeBlock('totp-key', 'Key (type it if the link does not open)', shown.text)}
${codeBlock('totp-uri', 'otpauth:// URI', shown.uri)}
${postForm({ action: `${BASE}/confirm`, csrf, body: html`${codeField()}<button type="submit">Turn on</button>` })}
${actionButton({ action: `${BASE}/start`, csrf, text: 'Start again with a new key', style: 'secondary', small: true })}`;
}

function onCard(row: TotpRow, csrf: string): SafeHtml {
  return html`<p>Two-step log-in is <strong>on</strong>. <span class="pill ok">${String(row.recovery_left)} recovery codes left</span></p>
<h3>Turn it off</h3>
${postForm({
  action: `${BASE}/disable`,
  csrf,
  body: html`<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
${codeField()}<button type="submit" class="danger">Turn off two-step log-in</button>`,
})}`;
}

async function secondFactorPage(
  c: ConsoleContext,
  deps: ConsoleDeps,
  session: ConsoleSession,
  error?: string,
) {
  const row = await asSession(deps, session, (tx) => deps.secondFactor.store.status(tx));
  const csrf = csrfOf(session);
  const body = !row
    ? offCard(csrf)
    : row.confirmed
      ? onCard(row, csrf)
      : pendingCard(deps, session, row, csrf);
  return page(c, {
    title: 'Two-step log-in',
    session,
    section: 'account',
    status: error ? 400 : 200,
    body: html`<h1>Two-step log-in</h1>${notice(doneNotice(c))}${notice(error, 'bad')}
<section class="card">${body}</section><p><a href="/console/account">Back to your account</a></p>`,
  });
}

export function secondFactorView(deps: ConsoleDeps) {
  return view((c, session) => secondFactorPage(c, deps, session));
}

/** POST …/start — a new pending secret (never replaces a confirmed one). */
export function secondFactorStartAction(deps: ConsoleDeps) {
  return action(deps, async (c, session) => {
    const { sealed } = deps.secondFactor.newSecret(session.userId, session.email);
    await asSession(deps, session, (tx) => deps.secondFactor.store.begin(tx, sealed));
    return seeOther(c, BASE);
  });
}

function recordChange(
  deps: ConsoleDeps,
  c: ConsoleContext,
  session: ConsoleSession,
  change: 'enabled' | 'disabled',
) {
  deps.ctx.security.record(
    {
      event: 'user.second_factor',
      outcome: 'success',
      actor: { type: 'user', id: session.userId },
      target: { type: 'user', id: session.userId },
      userId: session.userId,
      details: { change },
    },
    requestOf(c),
  );
}

/**
 * POST …/confirm — a code from the app proves it holds the key; the factor is on and the
 * recovery codes are shown on this response only (the database keeps their hashes).
 */
export function secondFactorConfirmAction(deps: ConsoleDeps) {
  const { secondFactor } = deps;
  return action(deps, async (c, session, form) => {
    const codes = newRecoveryCodes();
    const hashes = codes.map((code) => recoveryCodeHash(code) ?? '');
    const on = await asSession(deps, session, async (tx) => {
      const row = await secondFactor.store.status(tx);
      if (!row || row.confirmed) return false;
      const step = secondFactor.step(row.sealed_secret, session.userId, form.get('code') ?? '');
      return step !== null && (await secondFactor.store.confirm(tx, step, hashes));
    });
    if (!on)
      return secondFactorPage(c, deps, session, 'That code is wrong. Check the app and try again.');
    recordChange(deps, c, session, 'enabled');
    return page(c, {
      title: 'Recovery codes',
      session,
      section: 'account',
      body: html`<h1>Two-step log-in is on</h1>
<section class="card"><h2>Your recovery codes</h2>
${notice('Save these now: they are shown only this once. Each one logs you in once without the app, if you lose your phone.', 'warn')}
${codeBlock('recovery-codes', 'Recovery codes', codes.join('\n'))}
<p><a class="button" href="/console/account">Done</a></p></section>`,
    });
  });
}

/** POST …/disable — the password (under the lockout) and a fresh code, both checked in SQL. */
export function secondFactorDisableAction(deps: ConsoleDeps) {
  const { ctx, secondFactor } = deps;
  return action(deps, async (c, session, form) => {
    const row = await asSession(deps, session, (tx) => secondFactor.store.status(tx));
    if (!row?.confirmed) return seeOther(c, BASE);
    const step = secondFactor.step(row.sealed_secret, session.userId, form.get('code') ?? '');
    const result = await withPassword(
      ctx,
      session.email,
      form.get('password') ?? '',
      requestOf(c),
      (user) => asSession(deps, session, (tx) => secondFactor.store.disable(tx, user, step)),
    );
    if (result.outcome !== 'ok')
      return secondFactorPage(c, deps, session, 'The password or the code is wrong.');
    recordChange(deps, c, session, 'disabled');
    return seeOther(c, BASE, 'second-factor-off');
  });
}
