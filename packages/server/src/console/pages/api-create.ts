import { checkedApiDefinition } from '../../accounts/api-definition.js';
import { generated } from '../../accounts/generated.js';
import { hashSecret } from '../../crypto/pbkdf2.js';
import { insertApi, isTakenIdentifier } from '../../storage/resource-server-store.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { field } from '../http/form.js';
import { action, asSession, type ConsoleContext, csrfOf, view } from '../http/handlers.js';
import { handOverSecret } from '../http/one-time-secret.js';
import { recordOwnerAction } from '../http/owner-action.js';
import type { ConsoleSession } from '../session/sessions.js';
import { notice, postForm } from '../views/components.js';
import { page, seeOther } from '../views/shell.js';

interface ApiFormValues {
  name: string;
  identifier: string;
  scopes: string;
}

function newApiPage(
  c: ConsoleContext,
  session: ConsoleSession,
  values: ApiFormValues,
  error?: string,
) {
  return page(c, {
    title: 'Register an API',
    session,
    section: 'apis',
    status: error ? 400 : 200,
    body: html`<div class="narrow"><div class="card"><h1>Register an API</h1>${notice(error, 'bad')}
${postForm({
  action: '/console/apis',
  csrf: csrfOf(session),
  body: html`<label for="name">API name</label>
<input id="name" name="name" type="text" maxlength="200" required value="${values.name}">
<label for="identifier">Identifier <span class="hint">the resource URI clients send and tokens carry as aud, e.g. https://api.example.com or an MCP server's URL; matched exactly</span></label>
<input id="identifier" name="identifier" type="text" maxlength="2048" required value="${values.identifier}">
<label for="scopes">Scopes <span class="hint">separated by spaces or lines, e.g. orders.read orders.write; not openid, profile or email</span></label>
<textarea id="scopes" name="scopes">${values.scopes}</textarea>
<button type="submit">Register API</button>`,
})}</div></div>`,
  });
}

export function newApiView() {
  return view((c, session) => newApiPage(c, session, { name: '', identifier: '', scopes: '' }));
}

/**
 * POST /console/apis — registers the API under the owner's row-level security, then
 * POST-redirect-GET: the api_secret reaches the API's page once (http/one-time-secret.ts).
 */
export function createApiAction(deps: ConsoleDeps) {
  const { config } = deps.ctx;
  return action(deps, async (c, session, form) => {
    const values = {
      name: field(form, 'name'),
      identifier: field(form, 'identifier'),
      scopes: form.get('scopes') ?? '',
    };
    const checked = checkedApiDefinition({ ...values, scopes: values.scopes.split(/\s+/) });
    if (!checked.ok) return newApiPage(c, session, values, checked.problem);
    const apiId = generated.apiId();
    const apiSecret = generated.apiSecret();
    const secretHash = await hashSecret(apiSecret, config.pbkdf2Iterations);
    let id: string;
    try {
      id = await asSession(deps, session, (tx) =>
        insertApi(tx, session.userId, { ...checked.api, apiId, secretHash }),
      );
    } catch (error) {
      if (!isTakenIdentifier(error)) throw error;
      return newApiPage(c, session, values, 'An API with this identifier is already registered.');
    }
    recordOwnerAction(deps, c, session, 'api', apiId, 'create');
    handOverSecret(c, deps, session, id, apiSecret);
    return seeOther(c, `/console/apis/${id}`);
  });
}
