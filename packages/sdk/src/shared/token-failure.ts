import * as oauth from 'oauth4webapi';
import { AuthAgentError } from './errors.js';

/** A refusal of the access token itself (RFC 6750 §3.1 `invalid_token`). */
export function invalidToken(description: string, cause?: unknown): AuthAgentError {
  return new AuthAgentError('invalid_token', description, cause === undefined ? {} : { cause });
}

/** A refusal of the DPoP proof that came with the token (RFC 9449 §7.1 `invalid_dpop_proof`). */
export function invalidDPoPProof(description: string, cause?: unknown): AuthAgentError {
  return new AuthAgentError(
    'invalid_dpop_proof',
    description,
    cause === undefined ? {} : { cause },
  );
}

// oauth4webapi reports which claim failed in `cause.claim`; the proof's claims are iat
// (the token's iat is not time-checked by it), htm, htu and ath, and cnf.jkt is the binding.
const DESCRIPTIONS: Record<string, Record<string, [proof: boolean, description: string]>> = {
  [oauth.JWT_TIMESTAMP_CHECK]: {
    exp: [false, 'The access token has expired.'],
    nbf: [false, 'The access token is not valid yet.'],
    iat: [true, 'The DPoP proof is not recent: its iat is outside the accepted window.'],
  },
  [oauth.JWT_CLAIM_COMPARISON]: {
    aud: [false, 'The access token is meant for another audience.'],
    iss: [false, 'The access token was issued by another authorization server.'],
    htm: [true, 'The DPoP proof was made for another HTTP method.'],
    htu: [true, 'The DPoP proof was made for another URL.'],
    ath: [true, 'The DPoP proof was made for another access token.'],
    'cnf.jkt': [true, 'The DPoP proof is signed by another key than the token is bound to.'],
  },
};

/**
 * Turns what oauth4webapi's `validateJwtAccessToken` throws into an {@link AuthAgentError}
 * with a description safe to send back: never the token, the claims or the key. Errors
 * without a claim (bad signature, missing claim, malformed JWT) cannot be pinned on the
 * token or the proof, so they get a general description.
 *
 * @param error - what was thrown
 * @param withProof - whether a DPoP proof was checked too
 */
export function describeTokenFailure(error: unknown, withProof: boolean): AuthAgentError {
  if (error instanceof AuthAgentError) return error;
  if (error instanceof oauth.OperationProcessingError && error.code) {
    const claim = (error.cause as { claim?: unknown } | undefined)?.claim;
    const known = typeof claim === 'string' ? DESCRIPTIONS[error.code]?.[claim] : undefined;
    if (known) return known[0] ? invalidDPoPProof(known[1]) : invalidToken(known[1]);
  }
  return invalidToken(
    withProof
      ? 'The access token or its DPoP proof is not valid.'
      : 'The access token is not valid.',
  );
}
