import type { Context } from 'hono';
import type { SecretVerifier } from '../crypto/secret-verifier.js';
import { OAuthError, oauthError } from '../errors.js';
import type { Params } from '../http/params.js';
import type { Security } from '../security/security.js';
import type { ClientRecord, OAuthStore } from '../storage/oauth-store.js';

export interface AuthenticatedClient {
  client: ClientRecord;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

interface PresentedCredentials {
  clientId: string;
  secret: string | undefined;
  method: AuthenticatedClient['method'];
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function parseBasic(header: string): { clientId: string; secret: string } {
  const encoded = header.slice(6).trim();
  let decoded: string;
  try {
    decoded = Buffer.from(encoded, 'base64').toString('utf8');
  } catch {
    throw oauthError.invalidClient('Malformed HTTP Basic credentials.', true);
  }
  const colon = decoded.indexOf(':');
  if (colon < 1) throw oauthError.invalidClient('Malformed HTTP Basic credentials.', true);
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    throw oauthError.invalidClient('Malformed HTTP Basic credentials.', true);
  }
}

function presentedCredentials(c: Context, params: Params): PresentedCredentials {
  const authorization = c.req.header('authorization');
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  if (authorization && /^basic /i.test(authorization)) {
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
    if (bodySecret !== undefined) {
      throw oauthError.invalidRequest(
        'Use either HTTP Basic or client_secret in the body, not both.',
      );
    }
    const basic = parseBasic(authorization);
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw oauthError.invalidClient('client_id does not match the Basic credentials.', true);
    }
    return { clientId: basic.clientId, secret: basic.secret, method: 'client_secret_basic' };
  }
  if (bodyId === undefined) throw oauthError.invalidClient('Client authentication is required.');
  if (bodySecret !== undefined)
    return { clientId: bodyId, secret: bodySecret, method: 'client_secret_post' };
  return { clientId: bodyId, secret: undefined, method: 'none' };
}

/**
 * Authenticates the calling client. Unknown clients and wrong secrets get the same answer
 * after the same PBKDF2 work, and the same lockout (security/lockout.ts) once they fail
 * too often. Public clients (no stored secret) pass only where the endpoint allows them,
 * and only by presenting no secret at all.
 */
export async function authenticateClient(
  c: Context,
  params: Params,
  deps: { store: OAuthStore; verifier: SecretVerifier; security: Security },
  options: { allowPublic: boolean },
): Promise<AuthenticatedClient> {
  const presented = presentedCredentials(c, params);
  const usedBasic = presented.method === 'client_secret_basic';
  const findClient = () =>
    presented.clientId.length <= 128 ? deps.store.findClient(presented.clientId) : undefined;
  if (presented.method === 'none') {
    const client = await findClient();
    if (!client || client.secretHash !== null || client.disabled || !options.allowPublic) {
      throw oauthError.invalidClient();
    }
    return { client, method: 'none' };
  }
  const secret = presented.secret ?? '';
  let client: ClientRecord | undefined;
  const checked = await deps.security.checkSecret('client', presented.clientId, async () => {
    client = await findClient();
    return client?.secretHash
      ? deps.verifier.verify('client', client.id, client.secretVersion, secret, client.secretHash)
      : deps.verifier.decoy(secret);
  });
  if (checked.outcome === 'locked') {
    throw new OAuthError(
      'invalid_client',
      'Too many failed authentication attempts for this client; it is temporarily locked. Its owner can unlock it.',
      401,
      {
        'Retry-After': String(checked.retryAfter),
        ...(usedBasic ? { 'WWW-Authenticate': 'Basic realm="auth-agent"' } : {}),
      },
    );
  }
  if (checked.outcome !== 'ok' || !client || client.disabled)
    throw oauthError.invalidClient(undefined, usedBasic);
  const actor = { type: 'client', id: client.clientId } as const;
  deps.security.record({
    event: 'client.authentication',
    outcome: 'success',
    actor,
    target: actor,
    clientId: client.clientId,
    details: { method: presented.method },
  });
  return { client, method: presented.method };
}
