import { generated } from '../../accounts/generated.js';
import { hashSecret } from '../../crypto/pbkdf2.js';
import { insertAgent } from '../../storage/owner-store.js';
import { html } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { action, asSession, type ConsoleContext, csrfOf, view } from '../http/handlers.js';
import { recordOwnerAction } from '../http/owner-action.js';
import type { ConsoleSession } from '../session/sessions.js';
import { notice, postForm } from '../views/components.js';
import { page } from '../views/shell.js';
import { type AgentProfile, agentProfileFields, readAgentProfile } from './agent-form.js';
import { showOnce } from './one-time-secret.js';

function newAgentPage(
  c: ConsoleContext,
  session: ConsoleSession,
  values: AgentProfile,
  error?: string,
) {
  return page(c, {
    title: 'New agent',
    session,
    section: 'agents',
    status: error ? 400 : 200,
    body: html`<div class="narrow"><div class="card"><h1>New agent</h1>${notice(error, 'bad')}
${postForm({
  action: '/console/agents',
  csrf: csrfOf(session),
  body: html`${agentProfileFields(values)}<button type="submit">Create agent</button>`,
})}
<p class="muted">The email is marked verified to websites only if you confirmed that exact address in this console.</p>
</div></div>`,
  });
}

export function newAgentView() {
  return view((c, session) =>
    newAgentPage(c, session, { label: null, userEmail: session.email, userName: null }),
  );
}

/** POST /console/agents — then 303 to the one-time page that shows the secret. */
export function createAgentAction(deps: ConsoleDeps) {
  const { config } = deps.ctx;
  return action(deps, async (c, session, form) => {
    const profile = readAgentProfile(form);
    if (typeof profile === 'string')
      return newAgentPage(
        c,
        session,
        {
          label: form.get('label') ?? null,
          userEmail: form.get('user_email') ?? '',
          userName: form.get('user_name') ?? null,
        },
        profile,
      );
    const agentId = generated.agentId();
    const agentSecret = generated.agentSecret();
    const secretHash = await hashSecret(agentSecret, config.pbkdf2Iterations);
    const id = await asSession(deps, session, (tx) =>
      insertAgent(tx, session.userId, { agentId, secretHash, ...profile }),
    );
    recordOwnerAction(deps, c, session, 'agent', agentId, 'create');
    return showOnce(deps, c, session, {
      kind: 'agent',
      ref: id,
      agentId,
      agentSecret,
      heading: 'Agent created',
      note: 'Copy the secret now. It is shown only this once; if you lose it, rotate it.',
    });
  });
}
