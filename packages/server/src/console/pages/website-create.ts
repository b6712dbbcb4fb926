import { generated } from '../../accounts/generated.js';
import { hashSecret } from '../../crypto/pbkdf2.js';
import { insertClient } from '../../storage/owner-store.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { action, asSession, type ConsoleContext, csrfOf, view } from '../http/handlers.js';
import { recordOwnerAction } from '../http/owner-action.js';
import type { ConsoleSession } from '../session/sessions.js';
import { notice, postForm } from '../views/components.js';
import { page } from '../views/shell.js';
import { showOnce } from './one-time-secret.js';
import { readWebsite, websiteFields } from './website-form.js';

function newWebsitePage(
  c: ConsoleContext,
  session: ConsoleSession,
  values: { name: string; redirectUris: string; type: string },
  error?: string,
) {
  const isPublic = values.type === 'public';
  return page(c, {
    title: 'Register a website',
    session,
    section: 'websites',
    status: error ? 400 : 200,
    body: html`<div class="narrow"><div class="card"><h1>Register a website</h1>${notice(error, 'bad')}
${postForm({
  action: '/console/websites',
  csrf: csrfOf(session),
  body: html`${websiteFields(values)}
<fieldset><legend>Client type</legend>
<label><input type="radio" name="type" value="confidential"${isPublic ? '' : html` checked`}> Confidential <span class="hint">a server that can keep a client_secret</span></label>
<label><input type="radio" name="type" value="public"${isPublic ? html` checked` : ''}> Public <span class="hint">no secret (single-page or native app); PKCE only</span></label>
</fieldset>
<button type="submit">Register website</button>`,
})}</div></div>`,
  });
}

export function newWebsiteView() {
  return view((c, session) =>
    newWebsitePage(c, session, { name: '', redirectUris: '', type: 'confidential' }),
  );
}

/** POST /console/websites — then 303 to the one-time page with client_id and client_secret. */
export function createWebsiteAction(deps: ConsoleDeps) {
  const { config } = deps.ctx;
  return action(deps, async (c, session, form) => {
    const type = form.get('type') === 'public' ? 'public' : 'confidential';
    const input = readWebsite(form);
    if (typeof input === 'string')
      return newWebsitePage(
        c,
        session,
        { name: form.get('name') ?? '', redirectUris: form.get('redirect_uris') ?? '', type },
        input,
      );
    const clientId = generated.clientId();
    const clientSecret = type === 'public' ? null : generated.clientSecret();
    const secretHash = clientSecret
      ? await hashSecret(clientSecret, config.pbkdf2Iterations)
      : null;
    const id = await asSession(deps, session, (tx) =>
      insertClient(tx, session.userId, { clientId, secretHash, ...input }),
    );
    recordOwnerAction(deps, c, session, 'client', clientId, 'create');
    return showOnce(deps, c, session, {
      kind: 'client',
      ref: id,
      clientId,
      clientSecret,
      redirectUri: input.redirectUris[0] ?? '',
      heading: `${input.name} is registered`,
      note: clientSecret
        ? 'Copy the client secret now. It is shown only this once; if you lose it, rotate it.'
        : 'This is a public client: it has no secret and must use PKCE.',
    });
  });
}
