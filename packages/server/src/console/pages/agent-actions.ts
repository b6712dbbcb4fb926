import { generated } from '../../accounts/generated.js';
import { hashSecret } from '../../crypto/pbkdf2.js';
import type { ConsoleDeps } from '../deps.js';
import { objectId } from '../http/console-error.js';
import { action, asSession } from '../http/handlers.js';
import { notVisible } from '../http/owned.js';
import { changeOwned, recordOwnerAction } from '../http/owner-action.js';
import { sendVerificationMail, verificationNotice } from '../mail/verification.js';
import {
  deleteAgent,
  replaceAgentSecret,
  setAgentDisabled,
  updateAgentProfile,
} from '../queries/agents.js';
import { revokeAgentGrants, revokeGrant } from '../queries/grants.js';
import { confirmed, toConfirmation } from '../views/confirm.js';
import { seeOther } from '../views/shell.js';
import { agentDetailPage, loadAgent } from './agent-detail.js';
import { readAgentProfile } from './agent-form.js';
import { showOnce } from './one-time-secret.js';

export function agentProfileAction(deps: ConsoleDeps) {
  return action(deps, async (c, session, form) => {
    const profile = readAgentProfile(form);
    if (typeof profile === 'string') {
      const loaded = await loadAgent(deps, c, session, c.req.param('id'));
      return agentDetailPage(c, session, loaded, profile);
    }
    const { id } = await changeOwned(deps, c, session, 'agent', 'update', (tx, ref) =>
      updateAgentProfile(tx, ref, profile),
    );
    return seeOther(c, `/console/agents/${id}`, 'saved');
  });
}

export function agentToggleAction(deps: ConsoleDeps, disabled: boolean) {
  return action(deps, async (c, session) => {
    const { id } = await changeOwned(
      deps,
      c,
      session,
      'agent',
      disabled ? 'disable' : 'enable',
      (tx, ref) => setAgentDisabled(tx, ref, disabled),
    );
    return seeOther(c, `/console/agents/${id}`, disabled ? 'disabled' : 'enabled');
  });
}

export function agentDeleteAction(deps: ConsoleDeps) {
  return action(deps, async (c, session, form) => {
    if (!confirmed(form)) return toConfirmation(c);
    await changeOwned(deps, c, session, 'agent', 'delete', deleteAgent);
    return seeOther(c, '/console/agents', 'deleted');
  });
}

/** POST /console/agents/:id/rotate — once confirmed; the new secret is shown once, next. */
export function agentRotateAction(deps: ConsoleDeps) {
  const { config } = deps.ctx;
  return action(deps, async (c, session, form) => {
    if (!confirmed(form)) return toConfirmation(c);
    const agentSecret = generated.agentSecret();
    const hash = await hashSecret(agentSecret, config.pbkdf2Iterations);
    const { id, publicId } = await changeOwned(
      deps,
      c,
      session,
      'agent',
      'rotate_secret',
      (tx, ref) => replaceAgentSecret(tx, ref, hash),
    );
    return showOnce(deps, c, session, {
      kind: 'agent',
      ref: id,
      agentId: publicId,
      agentSecret,
      heading: 'New agent secret',
      note: 'The old secret no longer works. Copy the new one now; it is shown only this once.',
    });
  });
}

export function grantRevokeAction(deps: ConsoleDeps) {
  return action(deps, async (c, session) => {
    const agentRef = objectId(c.req.param('id'));
    const grantId = objectId(c.req.param('grantId'));
    await asSession(deps, session, async (tx) => {
      if (!(await revokeGrant(tx, agentRef, grantId)))
        await notVisible(deps, c, tx, session, 'grant', grantId);
    });
    const { agent } = await loadAgent(deps, c, session, agentRef);
    recordOwnerAction(deps, c, session, 'agent', agent.agent_id, 'revoke', { grant: grantId });
    return seeOther(c, `/console/agents/${agentRef}`, 'revoked');
  });
}

export function grantsRevokeAllAction(deps: ConsoleDeps) {
  return action(deps, async (c, session, form) => {
    if (!confirmed(form)) return toConfirmation(c);
    const { agent } = await loadAgent(deps, c, session, c.req.param('id'));
    const count = await asSession(deps, session, (tx) => revokeAgentGrants(tx, agent.id));
    recordOwnerAction(deps, c, session, 'agent', agent.agent_id, 'revoke_all', { grants: count });
    return seeOther(c, `/console/agents/${agent.id}`, 'revoked-all');
  });
}

/** POST /console/agents/:id/verify-email — mails a link to the agent's current user_email. */
export function agentVerifyEmailAction(deps: ConsoleDeps) {
  return action(deps, async (c, session) => {
    const { agent } = await loadAgent(deps, c, session, c.req.param('id'));
    if (agent.owner_id !== session.userId) return seeOther(c, `/console/agents/${agent.id}`);
    await sendVerificationMail(deps, session, agent.user_email);
    return seeOther(c, `/console/agents/${agent.id}`, verificationNotice(deps));
  });
}
