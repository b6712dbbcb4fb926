import { decodeJwt } from 'jose';
import type { ClientCredentials } from '../auth/client.js';
import { JWT_BEARER_ASSERTION } from '../auth/client-assertion.js';
import { oauthError } from '../errors.js';
import type { Params } from './params.js';

// client_id is a public identifier of printable characters (RFC 6749 §2.2 leaves its form to
// the server): a generated id, or the URL of a metadata document (up to 512 characters).
// Refusing anything else here keeps NUL and control characters out of storage.
const CLIENT_ID = /^[\x21-\x7e]{1,512}$/;
const MAX_SECRET_LENGTH = 512;

/** Whether `value` could be a client_id at all (anything else names no client). */
export function clientIdShaped(value: string): boolean {
  return CLIENT_ID.test(value);
}

function malformed(usedBasic: boolean): never {
  throw oauthError.invalidClient('Malformed client credentials.', usedBasic);
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function parseBasic(header: string): { clientId: string; secret: string } {
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) malformed(true);
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return malformed(true);
  }
}

function checked(credentials: ClientCredentials): ClientCredentials {
  const { clientId, secret, usedBasic } = credentials;
  if (!clientIdShaped(clientId)) malformed(usedBasic);
  if (secret !== undefined && (secret.length > MAX_SECRET_LENGTH || secret.includes('\u0000')))
    malformed(usedBasic);
  return credentials;
}

/**
 * RFC 7523 §2.2: the client is the assertion's subject; client_id, if sent, must agree. The
 * claims are read unverified here only to name the client: auth/client-assertion.ts verifies.
 */
function assertionCredentials(params: Params, bodyId: string | undefined): ClientCredentials {
  if (params.get('client_assertion_type') !== JWT_BEARER_ASSERTION)
    throw oauthError.invalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION}.`);
  const assertion = params.get('client_assertion');
  if (assertion === undefined)
    throw oauthError.invalidRequest('Parameter "client_assertion" is required.');
  let subject: unknown;
  try {
    subject = decodeJwt(assertion).sub;
  } catch {
    return malformed(false);
  }
  if (typeof subject !== 'string' || (bodyId !== undefined && bodyId !== subject))
    throw oauthError.invalidClient('client_id does not match the client assertion.');
  return checked({
    clientId: subject,
    secret: undefined,
    assertion,
    method: 'private_key_jwt',
    usedBasic: false,
  });
}

/**
 * Reads the client's credentials from HTTP Basic, the body (RFC 6749 §2.3.1) or a JWT client
 * assertion (RFC 7523 §2.2). A request with none of them names a public client (`none`).
 * Throws invalid_request / invalid_client.
 */
export function clientCredentials(
  authorization: string | undefined,
  params: Params,
): ClientCredentials {
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  const usesBasic = authorization !== undefined && /^basic /i.test(authorization);
  const usesAssertion = params.has('client_assertion') || params.has('client_assertion_type');
  // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
  if ([usesBasic, bodySecret !== undefined, usesAssertion].filter(Boolean).length > 1)
    throw oauthError.invalidRequest('Use exactly one client authentication method.');
  if (usesAssertion) return assertionCredentials(params, bodyId);
  if (authorization && usesBasic) {
    const basic = parseBasic(authorization);
    if (bodyId !== undefined && bodyId !== basic.clientId)
      throw oauthError.invalidClient('client_id does not match the Basic credentials.', true);
    return checked({ ...basic, method: 'client_secret_basic', usedBasic: true });
  }
  if (bodyId === undefined) throw oauthError.invalidClient('Client authentication is required.');
  const method = bodySecret === undefined ? 'none' : 'client_secret_post';
  return checked({ clientId: bodyId, secret: bodySecret, method, usedBasic: false });
}
