import { z } from 'zod';
import { sha256 } from '../crypto/digest.js';
import { oauthError } from '../errors.js';
import { parseParams } from '../http/validate.js';
import { refreshTokenAfter } from '../oauth/code-derivation.js';
import { parseScope } from '../oauth/scopes.js';
import type { SecurityEventInput, SecurityEventName } from '../security/events.js';
import type { RotateRefusal } from '../storage/oauth-store.js';
import type { GrantHandler } from './grant-type.js';
import { tokenResponse } from './issue-tokens.js';
import { tokenResource } from './token-resource.js';

const schema = z.object({
  refresh_token: z.string().min(1).max(256),
  scope: z.string().optional(),
});

/** Refusals answered with their own error code rather than invalid_grant. */
type OwnCode = 'invalid_scope' | 'invalid_target';

const FAILURES: Record<Exclude<RotateRefusal, OwnCode>, string> = {
  invalid: 'The refresh token is invalid.',
  reused: 'The refresh token was already used; the whole token family is revoked.',
  revoked: 'The refresh token has been revoked.',
  expired: 'The refresh token has expired.',
  agent_disabled: 'The agent or website is disabled.',
  dpop_replay: 'The DPoP proof was already used.',
  // RFC 9449 §5: a public client's refresh token is bound to the key it was issued for.
  dpop_mismatch: 'This refresh token is bound to a DPoP key: send a DPoP proof made with it.',
  // The agent's owner took the API off its list since the grant (022_agent_allowed_apis.sql).
  api_not_allowed: "The agent's owner no longer allows it to obtain tokens for this API.",
};

const SPECIAL_EVENTS: Partial<Record<RotateRefusal, SecurityEventName>> = {
  reused: 'token.refresh_reuse',
  revoked: 'token.revoked_use',
  expired: 'token.expired_use',
};

/** Reuse of a rotated token is its own event (RFC 9700 §4.14.2: the family is revoked). */
function refreshEvent(
  clientId: string,
  outcome: Exclude<RotateRefusal, OwnCode> | 'ok',
  agentId: string | null,
  retried = false,
): SecurityEventInput {
  const event = (outcome !== 'ok' && SPECIAL_EVENTS[outcome]) || 'token.refresh';
  return {
    event,
    outcome:
      outcome === 'ok'
        ? 'success'
        : outcome === 'reused' || outcome === 'api_not_allowed'
          ? 'denied'
          : 'failure',
    actor: { type: 'client', id: clientId },
    target: { type: 'refresh_token', id: agentId ?? undefined },
    clientId,
    agentId: agentId ?? undefined,
    details: outcome === 'ok' ? (retried ? { retry: true } : {}) : { reason: outcome },
  };
}

/** refresh_token grant: RFC 6749 §6, rotated on every use (OAuth 2.1 §4.3.1, RFC 9700 §4.14). */
export const refreshTokenGrant: GrantHandler = {
  type: 'refresh_token',
  async handle(ctx, client, params, dpop) {
    const input = parseParams(schema, params);
    // Any scope may be asked for: the database refuses what the grant does not hold.
    const scope =
      input.scope === undefined ? undefined : parseScope(input.scope, { resourceScopes: true });
    const resource = tokenResource(params);
    const nextToken = refreshTokenAfter(ctx.codeKey, input.refresh_token);
    const result = await client.run((proof) =>
      ctx.store.rotateRefresh(proof, {
        tokenHash: sha256(input.refresh_token),
        scope,
        newHash: sha256(nextToken),
        ttl: ctx.config.refreshTokenTtl,
        proof: dpop,
        resource,
        retryWindow: ctx.config.refreshRetryWindow,
      }),
    );
    if (result.outcome === 'invalid_scope')
      throw oauthError.invalidScope('A refresh cannot widen the granted scope.');
    // RFC 8707 §2.2: a refresh may narrow to one granted resource, never name another.
    if (result.outcome === 'invalid_target')
      throw oauthError.invalidTarget('The resource is not among those granted.');
    const agentId = result.outcome === 'ok' ? result.agentId : null;
    ctx.security.record(
      refreshEvent(client.clientId, result.outcome, agentId, result.retried),
      client.request,
    );
    if (result.outcome === 'dpop_replay') throw oauthError.invalidDPoPProof(FAILURES.dpop_replay);
    if (result.outcome === 'api_not_allowed')
      throw oauthError.invalidTarget(FAILURES.api_not_allowed);
    if (result.outcome !== 'ok') throw oauthError.invalidGrant(FAILURES[result.outcome]);
    return tokenResponse(ctx, client.clientId, result, nextToken, dpop?.jkt);
  },
};
