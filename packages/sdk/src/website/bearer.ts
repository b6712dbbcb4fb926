import { AuthAgentError } from '../shared/errors.js';
import type { Refusal } from '../shared/refusal.js';
import type { WebsiteClient } from './client.js';
import { type VerifiedAccessToken, verifyAccessToken } from './verify.js';

/** Options for the Bearer middlewares. */
export interface BearerAuthOptions {
  /** Scopes every request must carry; missing ones get 403 `insufficient_scope`. */
  requiredScopes?: string[];
  /** The `realm` of the WWW-Authenticate challenge. Default `auth-agent`. */
  realm?: string;
}

/** A refusal: the HTTP answer a middleware sends instead of calling the route. */
export interface BearerRefusal extends Refusal {
  status: 401 | 403 | 503;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

function refusal(
  status: BearerRefusal['status'],
  realm: string,
  error: string | undefined,
  description: string,
): BearerRefusal {
  const challenge = error
    ? `Bearer realm="${realm}", error="${error}", error_description="${description}"`
    : `Bearer realm="${realm}"`;
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (status !== 503) headers['WWW-Authenticate'] = challenge;
  return {
    status,
    headers,
    body: { error: error ?? 'invalid_request', error_description: description },
  };
}

/**
 * Checks an `Authorization` header for a valid Bearer access token (RFC 6750), framework
 * free. The middlewares are thin wrappers around it.
 *
 * @param client - from {@link discover}
 * @param authorization - the request's Authorization header, if any
 * @param options - required scopes and realm
 * @returns the verified token, or the refusal to send
 */
export async function authenticateBearer(
  client: WebsiteClient,
  authorization: string | null | undefined,
  options: BearerAuthOptions = {},
): Promise<{ token: VerifiedAccessToken } | { refusal: BearerRefusal }> {
  const realm = options.realm ?? 'auth-agent';
  if (!authorization)
    return { refusal: refusal(401, realm, undefined, 'An access token is required.') };
  const token = BEARER.exec(authorization.trim())?.[1];
  if (!token)
    return {
      refusal: refusal(401, realm, 'invalid_request', 'Use Authorization: Bearer <token>.'),
    };
  try {
    const verified = await verifyAccessToken(client, token);
    const missing = (options.requiredScopes ?? []).filter((s) => !verified.scopes.includes(s));
    if (missing.length > 0)
      return {
        refusal: refusal(403, realm, 'insufficient_scope', `Missing scope: ${missing.join(' ')}.`),
      };
    return { token: verified };
  } catch (error) {
    if (error instanceof AuthAgentError && error.code === 'invalid_token')
      return { refusal: refusal(401, realm, 'invalid_token', 'The access token is not valid.') };
    return {
      refusal: refusal(
        503,
        realm,
        'temporarily_unavailable',
        'The token could not be checked right now.',
      ),
    };
  }
}

export { getAccessToken, rememberToken } from '../shared/request-token.js';
