import { sha256 } from '../../crypto/digest.js';
import { randomToken } from '../../crypto/random.js';
import { requestOf } from '../../http/request-context.js';
import { claimClient, createRegistrationToken } from '../../storage/registration-store.js';
import { html, type SafeHtml } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { field } from '../http/form.js';
import { action, asSession, type ConsoleContext, csrfOf, view } from '../http/handlers.js';
import { handOverSecret, takeOverSecret } from '../http/one-time-secret.js';
import type { ConsoleSession } from '../session/sessions.js';
import { notice, postForm, secretValue } from '../views/components.js';
import { doneNotice } from '../views/notices.js';
import { page, seeOther } from '../views/shell.js';

/** Lifetimes offered for an initial access token, in days (the CLI takes any 60 s to 1 year). */
const DAYS = [1, 7, 30] as const;
const MAX_USES = 1000;

function tokenCard(deps: ConsoleDeps, csrf: string): SafeHtml {
  const mode = deps.ctx.config.registration.mode;
  if (mode !== 'token')
    return html`<p class="muted">This server's <code>CLIENT_REGISTRATION</code> is <code>${mode}</code>: ${mode === 'open' ? 'any client may register itself without a token' : 'clients cannot register themselves'}. Tokens are needed only in <code>token</code> mode.</p>`;
  return postForm({
    action: '/console/registration/token',
    csrf,
    body: html`<label for="days">Works for</label>
<select id="days" name="days">${DAYS.map((d) => html`<option value="${String(d)}"${d === 7 ? html` selected` : ''}>${String(d)} day${d === 1 ? '' : 's'}</option>`)}</select>
<label for="uses">Clients it may register <span class="hint">1 to ${String(MAX_USES)}</span></label>
<input id="uses" name="uses" type="text" inputmode="numeric" value="1" pattern="[0-9]{1,4}" required>
<button type="submit">Create registration token</button>`,
  });
}

function registrationPage(
  c: ConsoleContext,
  deps: ConsoleDeps,
  session: ConsoleSession,
  extra?: { error?: string; created?: SafeHtml },
) {
  const csrf = csrfOf(session);
  return page(c, {
    title: 'Self-registered clients',
    session,
    section: 'websites',
    status: extra?.error ? 400 : 200,
    body: html`<h1>Clients that register themselves</h1>${notice(doneNotice(c))}${notice(extra?.error, 'bad')}
<p class="muted">MCP clients and other apps can register at <code>POST /register</code> (Dynamic Client Registration, RFC 7591). Such a client has no owner until one claims it.</p>
<div class="grid">
<section class="card" aria-labelledby="token-h"><h2 id="token-h">Registration token</h2>${extra?.created ?? tokenCard(deps, csrf)}</section>
<section class="card" aria-labelledby="claim-h"><h2 id="claim-h">Claim a client</h2>
<p>Make a client that registered itself yours: you then manage it as one of your websites. Its registration access token (returned by <code>POST /register</code>) proves the right to it, and stops working.</p>
${postForm({
  action: '/console/registration/claim',
  csrf,
  body: html`<label for="client_id">client_id</label><input id="client_id" name="client_id" type="text" required maxlength="512" autocomplete="off">
<label for="registration_access_token">Registration access token</label><input id="registration_access_token" name="registration_access_token" type="password" required maxlength="512" autocomplete="off">
<button type="submit">Claim client</button>`,
})}</section></div>`,
  });
}

/** The one-time cookie's object for a new registration token (http/one-time-secret.ts). */
const NEW_TOKEN = 'registration-token';

interface NewToken {
  token: string;
  expiresAt: string;
  uses: number;
}

function createdCard(created: NewToken): SafeHtml {
  return html`${notice('Copy it now: it is shown only this once. A client sends it as "Authorization: Bearer" to POST /register.', 'warn')}
${secretValue('registration-token', 'Initial access token', created.token)}
<p class="muted">Works until ${created.expiresAt.slice(0, 16).replace('T', ' ')} UTC, for ${String(created.uses)} registration${created.uses === 1 ? '' : 's'}.</p>`;
}

/** GET /console/registration — with a token just made, once (POST-redirect-GET). */
export function registrationView(deps: ConsoleDeps) {
  return view((c, session) => {
    const sealed = takeOverSecret(c, deps, session, NEW_TOKEN);
    const created = sealed ? createdCard(JSON.parse(sealed) as NewToken) : undefined;
    return registrationPage(c, deps, session, created ? { created } : undefined);
  });
}

/**
 * POST /console/registration/token — an initial access token for POST /register (RFC 7591
 * §3), recorded with its creator (app_create_registration_token). Shown once on the page the
 * answer redirects to, like every new secret (http/one-time-secret.ts); the database keeps
 * its SHA-256.
 */
export function registrationTokenAction(deps: ConsoleDeps) {
  return action(deps, async (c, session, form) => {
    if (deps.ctx.config.registration.mode !== 'token') return seeOther(c, '/console/registration');
    const days = Number(field(form, 'days'));
    const uses = Number(field(form, 'uses'));
    if (
      !DAYS.includes(days as (typeof DAYS)[number]) ||
      !Number.isInteger(uses) ||
      uses < 1 ||
      uses > MAX_USES
    )
      return registrationPage(c, deps, session, {
        error: `Choose a lifetime offered and 1 to ${MAX_USES} uses.`,
      });
    const token = `aa_iat_${randomToken(32)}`;
    const expiresAt = await asSession(deps, session, (tx) =>
      createRegistrationToken(tx, { tokenHash: sha256(token), ttlSeconds: days * 86_400, uses }),
    );
    deps.ctx.security.adminAction(
      {
        userId: session.userId,
        action: `create_registration_token (${uses} uses, ${days} days)`,
        targetType: 'registration_token',
        targetId: 'new',
      },
      requestOf(c),
    );
    const created: NewToken = { token, expiresAt: expiresAt.toISOString(), uses };
    handOverSecret(c, deps, session, NEW_TOKEN, JSON.stringify(created));
    return seeOther(c, '/console/registration');
  });
}

/** POST /console/registration/claim — app_claim_client: the owner is the session's user. */
export function registrationClaimAction(deps: ConsoleDeps) {
  return action(deps, async (c, session, form) => {
    const clientId = field(form, 'client_id');
    const token = field(form, 'registration_access_token');
    const claimed =
      clientId !== '' &&
      token !== '' &&
      (await asSession(deps, session, (tx) => claimClient(tx, clientId, sha256(token))));
    if (!claimed)
      return registrationPage(c, deps, session, {
        error: 'No unclaimed client that registered itself has this client_id and token.',
      });
    deps.ctx.security.record(
      {
        event: 'client.claimed',
        outcome: 'success',
        actor: { type: 'user', id: session.userId },
        target: { type: 'client', id: clientId },
        clientId,
        userId: session.userId,
      },
      requestOf(c),
    );
    return seeOther(c, '/console/websites', 'claimed');
  });
}
