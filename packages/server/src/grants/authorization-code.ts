import { z } from 'zod';
import { sha256 } from '../crypto/digest.js';
import { randomToken } from '../crypto/random.js';
import { oauthError } from '../errors.js';
import { parseParams } from '../http/validate.js';
import { isValidVerifier, s256 } from '../oauth/pkce.js';
import type { ExchangeOutcome } from '../storage/oauth-store.js';
import type { GrantHandler } from './grant-type.js';
import { tokenResponse } from './issue-tokens.js';

const schema = z.object({
  code: z.string().min(1).max(256),
  redirect_uri: z.string().min(1).max(2048),
  code_verifier: z.string().min(1).max(128),
});

// RFC 6749 §5.2: every failure of the grant itself is invalid_grant. The descriptions
// differ only where the client can act on the difference.
const FAILURES: Record<Exclude<ExchangeOutcome, 'ok'>, string> = {
  invalid: 'The authorization code is invalid.',
  expired: 'The authorization code has expired.',
  replayed: 'The authorization code was already used; tokens issued from it are revoked.',
  redirect_mismatch: 'redirect_uri does not match the authorization request.',
  pkce_mismatch: 'code_verifier does not match the code_challenge.',
  agent_disabled: 'The agent is disabled.',
};

/** authorization_code grant: RFC 6749 §4.1.3 with PKCE verification (RFC 7636 §4.6). */
export const authorizationCodeGrant: GrantHandler = {
  type: 'authorization_code',
  async handle(ctx, { client }, params) {
    const input = parseParams(schema, params);
    if (!isValidVerifier(input.code_verifier)) {
      throw oauthError.invalidRequest(
        'code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1).',
      );
    }
    const refreshToken = randomToken(32);
    const result = await ctx.store.exchangeCode({
      codeHash: sha256(input.code),
      clientRef: client.id,
      redirectUri: input.redirect_uri,
      verifierChallenge: s256(input.code_verifier),
      refreshHash: sha256(refreshToken),
      refreshTtl: ctx.config.refreshTokenTtl,
    });
    if (result.outcome !== 'ok') {
      ctx.logger.warn(
        { event: `token.code_${result.outcome}`, client_id: client.clientId },
        'code exchange refused',
      );
      throw oauthError.invalidGrant(FAILURES[result.outcome]);
    }
    ctx.logger.info(
      { event: 'token.code_exchanged', client_id: client.clientId, agent_id: result.agentId },
      'code exchanged',
    );
    return tokenResponse(ctx, client.clientId, result, refreshToken);
  },
};
