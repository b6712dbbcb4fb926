import type { Context } from 'hono';
import type { SecretVerifier } from '../crypto/secret-verifier.js';
import { OAuthError, oauthError } from '../errors.js';
import type { Params } from '../http/params.js';
import { Lockout } from '../security/lockout.js';
import type { Security } from '../security/security.js';
import type { ClientBinding, ClientRecord, OAuthStore } from '../storage/oauth-store.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface AuthenticatedClient {
  client: ClientRecord;
  method: ClientAuthMethod;
}

/**
 * Who a grant acts for. `binding` is either an authenticated row, or a client whose secret
 * this process verified before, which the grant's own database call re-checks
 * (006_single_round_trip.sql). `confirmed` records the authentication once that re-check
 * has passed; the full path has recorded it already.
 */
export interface ClientCaller {
  clientId: string;
  method: ClientAuthMethod;
  binding: ClientBinding;
  confirmed(): void;
}

/** The database no longer confirms a remembered client: authenticate it in full. */
export class PrincipalChanged extends Error {
  constructor() {
    super('the remembered principal changed');
  }
}

type Deps = { store: OAuthStore; verifier: SecretVerifier; security: Security };

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

export function presentedCredentials(c: Context, params: Params): PresentedCredentials {
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

function recordSuccess(deps: Deps, clientId: string, method: ClientAuthMethod): void {
  const actor = { type: 'client', id: clientId } as const;
  deps.security.record({
    event: 'client.authentication',
    outcome: 'success',
    actor,
    target: actor,
    clientId,
    details: { method },
  });
}

/** The caller a grant sees after the full authentication below. */
export function callerOf(authenticated: AuthenticatedClient): ClientCaller {
  return {
    clientId: authenticated.client.clientId,
    method: authenticated.method,
    binding: { ref: authenticated.client.id },
    confirmed: () => {},
  };
}

/**
 * The caller, without any round trip, when this process has verified the presented client
 * secret before and remembers the secret_version it matched; undefined otherwise (no
 * secret, never verified, or forgotten). Nothing is trusted yet: the grant's database call
 * re-checks version, `disabled` and lockout, and throws PrincipalChanged if one fails.
 */
export function rememberedClient(c: Context, params: Params, deps: Deps): ClientCaller | undefined {
  const presented = presentedCredentials(c, params);
  if (presented.secret === undefined || presented.clientId.length > 128) return undefined;
  const { clientId, secret, method } = presented;
  const secretVersion = deps.verifier.rememberedVersion('client', clientId, secret);
  if (secretVersion === undefined) return undefined;
  return {
    clientId,
    method,
    binding: {
      remembered: {
        publicId: clientId,
        lockoutKey: Lockout.key('client', clientId),
        secretVersion,
      },
    },
    confirmed: () => recordSuccess(deps, clientId, method),
  };
}

/** After PrincipalChanged: the remembered version is stale, verify in full from now on. */
export function forgetClient(c: Context, params: Params, deps: Deps): void {
  const presented = presentedCredentials(c, params);
  if (presented.secret !== undefined)
    deps.verifier.forget('client', presented.clientId, presented.secret);
}

/**
 * Authenticates the calling client. Unknown clients and wrong secrets get the same answer
 * after the same PBKDF2 work, and the same lockout (security/lockout.ts) once they fail
 * too often. Public clients (no stored secret) pass only where the endpoint allows them,
 * and only by presenting no secret at all. The row and its lockout state come back in one
 * round trip.
 */
export async function authenticateClient(
  c: Context,
  params: Params,
  deps: Deps,
  options: { allowPublic: boolean },
): Promise<AuthenticatedClient> {
  const presented = presentedCredentials(c, params);
  const usedBasic = presented.method === 'client_secret_basic';
  if (presented.method === 'none') {
    const client =
      presented.clientId.length <= 128
        ? await deps.store.findClient(presented.clientId)
        : undefined;
    if (!client || client.secretHash !== null || client.disabled || !options.allowPublic) {
      throw oauthError.invalidClient();
    }
    return { client, method: 'none' };
  }
  const secret = presented.secret ?? '';
  // An overlong id cannot exist; Lockout.check then reads its lockout state itself.
  const found =
    presented.clientId.length <= 128
      ? await deps.store.clientForAuth(
          presented.clientId,
          Lockout.key('client', presented.clientId),
        )
      : { row: undefined, lock: undefined };
  const client = found.row;
  const checked = await deps.security.checkSecret(
    'client',
    presented.clientId,
    () =>
      client?.secretHash
        ? deps.verifier.verify(
            'client',
            {
              id: client.id,
              publicId: client.clientId,
              secretVersion: client.secretVersion,
              secretHash: client.secretHash,
            },
            secret,
          )
        : deps.verifier.decoy(secret),
    found.lock,
  );
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
  recordSuccess(deps, client.clientId, presented.method);
  return { client, method: presented.method };
}
