import type { ClientCredentials } from '../auth/client.js';
import { oauthError } from '../errors.js';
import type { Params } from './params.js';

// client_id is a public identifier of printable characters (RFC 6749 §2.2 leaves its form to
// the server); refusing anything else here keeps NUL and control characters out of storage.
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;
const MAX_SECRET_LENGTH = 512;

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
  if (!CLIENT_ID.test(clientId)) malformed(usedBasic);
  if (secret !== undefined && (secret.length > MAX_SECRET_LENGTH || secret.includes('\u0000')))
    malformed(usedBasic);
  return credentials;
}

/**
 * Reads the client's credentials from HTTP Basic or the body (RFC 6749 §2.3.1). A request
 * with no secret names a public client (`none`). Throws invalid_request / invalid_client.
 */
export function clientCredentials(
  authorization: string | undefined,
  params: Params,
): ClientCredentials {
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  if (authorization && /^basic /i.test(authorization)) {
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
    if (bodySecret !== undefined)
      throw oauthError.invalidRequest(
        'Use either HTTP Basic or client_secret in the body, not both.',
      );
    const basic = parseBasic(authorization);
    if (bodyId !== undefined && bodyId !== basic.clientId)
      throw oauthError.invalidClient('client_id does not match the Basic credentials.', true);
    return checked({ ...basic, method: 'client_secret_basic', usedBasic: true });
  }
  if (bodyId === undefined) throw oauthError.invalidClient('Client authentication is required.');
  const method = bodySecret === undefined ? 'none' : 'client_secret_post';
  return checked({ clientId: bodyId, secret: bodySecret, method, usedBasic: false });
}
