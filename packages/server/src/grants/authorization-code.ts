import { z } from 'zod';
import { sha256 } from '../crypto/digest.js';
import { randomToken } from '../crypto/random.js';
import { oauthError } from '../errors.js';
import { parseParams } from '../http/validate.js';
import { isValidVerifier, s256 } from '../oauth/pkce.js';
import type { SecurityEventInput } from '../security/events.js';
import type { ExchangeRefusal } from '../storage/oauth-store.js';
import type { GrantHandler } from './grant-type.js';
import { tokenResponse } from './issue-tokens.js';
import { tokenResource } from './token-resource.js';

const schema = z.object({
  code: z.string().min(1).max(256),
  redirect_uri: z.string().min(1).max(2048),
  code_verifier: z.string().min(1).max(128),
});

// RFC 6749 §5.2: every failure of the grant itself is invalid_grant. The descriptions
// differ only where the client can act on the difference.
const FAILURES: Record<ExchangeRefusal, string> = {
  invalid: 'The authorization code is invalid.',
  expired: 'The authorization code has expired.',
  replayed: 'The authorization code was already used; tokens issued from it are revoked.',
  redirect_mismatch: 'redirect_uri does not match the authorization request.',
  pkce_mismatch: 'code_verifier does not match the code_challenge.',
  agent_disabled: 'The agent is disabled.',
  dpop_replay: 'The DPoP proof was already used.',
  invalid_target: 'The resource was not granted with this authorization code.',
  api_not_allowed: "The agent's owner no longer allows it to obtain tokens for this API.",
};

/** A replayed code is its own event (RFC 9700 §4.2.4: the grant it produced is revoked). */
function exchangeEvent(
  clientId: string,
  outcome: ExchangeRefusal | 'ok',
  agentId: string | null,
): SecurityEventInput {
  return {
    event: outcome === 'replayed' ? 'token.code_reuse' : 'token.code_exchange',
    outcome:
      outcome === 'ok'
        ? 'success'
        : outcome === 'replayed' || outcome === 'api_not_allowed'
          ? 'denied'
          : 'failure',
    actor: { type: 'client', id: clientId },
    target: { type: 'agent', id: agentId ?? undefined },
    clientId,
    agentId: agentId ?? undefined,
    details: outcome === 'ok' ? {} : { reason: outcome },
  };
}

/** authorization_code grant: RFC 6749 §4.1.3 with PKCE verification (RFC 7636 §4.6). */
export const authorizationCodeGrant: GrantHandler = {
  type: 'authorization_code',
  async handle(ctx, client, params, dpop) {
    const input = parseParams(schema, params);
    if (!isValidVerifier(input.code_verifier)) {
      throw oauthError.invalidRequest(
        'code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1).',
      );
    }
    const resource = tokenResource(params);
    const refreshToken = randomToken(32);
    const result = await client.run((proof) =>
      ctx.store.exchangeCode(proof, {
        codeHash: sha256(input.code),
        redirectUri: input.redirect_uri,
        verifierChallenge: s256(input.code_verifier),
        refreshHash: sha256(refreshToken),
        refreshTtl: ctx.config.refreshTokenTtl,
        proof: dpop,
        resource,
      }),
    );
    const agentId = result.outcome === 'ok' ? result.agentId : null;
    ctx.security.record(exchangeEvent(client.clientId, result.outcome, agentId), client.request);
    if (result.outcome === 'dpop_replay') throw oauthError.invalidDPoPProof(FAILURES.dpop_replay);
    // RFC 8707 §2.2: a resource the code was not issued for.
    if (result.outcome === 'invalid_target' || result.outcome === 'api_not_allowed')
      throw oauthError.invalidTarget(FAILURES[result.outcome]);
    if (result.outcome !== 'ok') throw oauthError.invalidGrant(FAILURES[result.outcome]);
    return tokenResponse(ctx, client.clientId, result, refreshToken, dpop?.jkt);
  },
};
