import { createLocalJWKSet, errors, type JSONWebKeySet, jwtVerify } from 'jose';
import { ASSERTION_SIGNING_ALGS } from '../clients/metadata/jwks.js';
import { OutboundFetchError } from '../clients/outbound/outbound-fetch.js';
import { sha256 } from '../crypto/digest.js';
import type { RequestOrigin } from '../request-info.js';
import type { ServerContext } from '../server-context.js';

/** RFC 7523 §2.2 client_assertion_type. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** An assertion may live at most this long (its exp, from now): short, as RFC 7523 §3 asks. */
const MAX_LIFETIME_SECONDS = 600;
const CLOCK_TOLERANCE_SECONDS = 30;

export type AssertionCheck = { ok: true; proof: string } | { ok: false; reason: string };

async function verifyWith(
  keys: JSONWebKeySet,
  assertion: string,
  clientId: string,
  issuer: string,
) {
  return jwtVerify(assertion, createLocalJWKSet(keys), {
    algorithms: [...ASSERTION_SIGNING_ALGS],
    issuer: clientId,
    subject: clientId,
    // RFC 7523 §3: the token endpoint; the issuer identifier is accepted too (OIDC Core §9).
    audience: [issuer, `${issuer}/token`],
    requiredClaims: ['exp', 'jti'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  });
}

/**
 * Verifies a private_key_jwt client assertion (RFC 7523 §3, OIDC Core §9) with the keys the
 * client registered, and returns the proof the database takes for it
 * (functions/02-principals.sql, auth_assertion_accepted): the jti's hash and the time until
 * which it must be remembered. The signature is the server's to check; whether the client
 * may act and whether the jti is new is the database's, in the operation's own call.
 */
export async function checkClientAssertion(
  ctx: ServerContext,
  clientId: string,
  assertion: string,
  request: RequestOrigin,
): Promise<AssertionCheck> {
  const issuer = ctx.config.issuer;
  try {
    let keys = await ctx.clientKeys.keySet(clientId, request);
    if (!keys) return { ok: false, reason: 'no_keys' };
    let verified: Awaited<ReturnType<typeof verifyWith>>;
    try {
      verified = await verifyWith(keys, assertion, clientId, issuer);
    } catch (error) {
      // A key the cached set lacks: the client may have rotated; fetch its set once more.
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      keys = await ctx.clientKeys.keySet(clientId, request, true);
      if (!keys) return { ok: false, reason: 'no_keys' };
      verified = await verifyWith(keys, assertion, clientId, issuer);
    }
    const { jti, exp } = verified.payload;
    const now = Math.floor(Date.now() / 1000);
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)
      return { ok: false, reason: 'invalid_jti' };
    if (exp === undefined || exp > now + MAX_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS)
      return { ok: false, reason: 'lifetime_too_long' };
    // Remembered for as long as jose would still accept it.
    return { ok: true, proof: `private_key_jwt:${sha256(jti)}:${exp + CLOCK_TOLERANCE_SECONDS}` };
  } catch (error) {
    if (error instanceof errors.JOSEError) return { ok: false, reason: error.code };
    if (error instanceof OutboundFetchError) return { ok: false, reason: `jwks_${error.reason}` };
    // A registered key jose cannot import (say, an unknown curve).
    if (error instanceof TypeError) return { ok: false, reason: 'unusable_key' };
    throw error;
  }
}
