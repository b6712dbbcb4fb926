import * as oauth from 'oauth4webapi';
import { AuthAgentError } from '../shared/errors.js';
import { type ClientInternals, internalsOf, type WebsiteClient } from './client.js';
import { toAuthAgentError } from './oauth-errors.js';

/** A verified access token: who the agent is, for which website, until when. */
export interface VerifiedAccessToken {
  /** The agent id (`sub`). */
  agentId: string;
  /** The website the token was issued to. */
  clientId: string;
  /** Granted scopes. */
  scopes: string[];
  /** The model the agent declared, when the server reports it. */
  model: string | undefined;
  /** Expiry, in seconds since the epoch. */
  expiresAt: number;
  /** How the token was checked. */
  verifiedBy: 'jwks' | 'introspection';
  /** Every claim the server returned. */
  claims: Readonly<Record<string, unknown>>;
}

const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;

function asymmetricAlgorithms(client: WebsiteClient): string[] {
  const algs = client.metadata.access_token_signing_alg_values_supported;
  return Array.isArray(algs)
    ? algs.filter((a): a is string => typeof a === 'string' && ASYMMETRIC.test(a))
    : [];
}

function invalid(message: string): AuthAgentError {
  return new AuthAgentError('invalid_token', message);
}

function audienceIncludes(aud: unknown, clientId: string): boolean {
  return aud === clientId || (Array.isArray(aud) && aud.includes(clientId));
}

/** RFC 9068 JWT access token, verified locally against the server's JWKS. */
async function viaJwks(client: WebsiteClient, inner: ClientInternals, token: string) {
  const request = new Request(client.issuer, { headers: { authorization: `Bearer ${token}` } });
  try {
    const claims = await oauth.validateJwtAccessToken(inner.as, request, client.clientId, {
      ...inner.http,
      signingAlgorithms: asymmetricAlgorithms(client) as oauth.JWSAlgorithm[],
    });
    return claims as unknown as Record<string, unknown>;
  } catch (error) {
    const converted = toAuthAgentError(error, 'Token verification');
    if (converted.code === 'network_error') throw converted;
    throw new AuthAgentError('invalid_token', 'The access token is not valid.', { cause: error });
  }
}

/** RFC 7662 introspection: sees revocation, which local verification cannot. */
async function viaIntrospection(client: WebsiteClient, inner: ClientInternals, token: string) {
  if (!inner.confidential)
    throw new AuthAgentError(
      'introspection_unavailable',
      'This server signs tokens symmetrically, so they are verified by introspection, which needs a client secret.',
    );
  let result: oauth.IntrospectionResponse;
  try {
    const response = await oauth.introspectionRequest(inner.as, inner.client, inner.auth, token, {
      ...inner.http,
      additionalParameters: { token_type_hint: 'access_token' },
    });
    result = await oauth.processIntrospectionResponse(inner.as, inner.client, response);
  } catch (error) {
    throw toAuthAgentError(error, 'Token introspection');
  }
  if (!result.active)
    throw invalid('The access token is not active (expired, revoked or unknown).');
  // A refresh token is active too, but it is not a bearer credential for APIs.
  if (result.token_type !== undefined && result.token_type.toLowerCase() !== 'bearer')
    throw invalid('That is not an access token.');
  if (result.iss !== undefined && result.iss !== client.issuer)
    throw invalid('The access token was issued by another server.');
  const audienceOk =
    result.aud !== undefined
      ? audienceIncludes(result.aud, client.clientId)
      : result.client_id === client.clientId;
  if (!audienceOk) throw invalid('The access token was issued to another website.');
  return result as Record<string, unknown>;
}

/**
 * Verifies an access token presented to the website's API and returns who it belongs to.
 * When the server signs asymmetrically (it advertises RS/PS/ES/EdDSA algorithms), the token
 * is checked locally against its JWKS (RFC 9068); otherwise — the server signs HS256 today —
 * it is checked by introspection (RFC 7662), which also sees revocation. Either way the
 * audience must be this website and the token must not have expired.
 *
 * @param client - from {@link discover}
 * @param token - the bearer token, without the `Bearer ` prefix
 * @throws {@link AuthAgentError} `invalid_token`, `introspection_unavailable`, or a transport error
 */
export async function verifyAccessToken(
  client: WebsiteClient,
  token: string,
): Promise<VerifiedAccessToken> {
  if (typeof token !== 'string' || token === '') throw invalid('No access token was given.');
  const inner = internalsOf(client);
  const useJwks = asymmetricAlgorithms(client).length > 0 && client.metadata.jwks_uri;
  const claims = useJwks
    ? await viaJwks(client, inner, token)
    : await viaIntrospection(client, inner, token);
  const exp = claims.exp;
  if (typeof exp !== 'number' || exp <= Math.floor(Date.now() / 1000))
    throw invalid('The access token has expired.');
  if (typeof claims.sub !== 'string') throw invalid('The access token names no agent.');
  return {
    agentId: claims.sub,
    clientId: typeof claims.client_id === 'string' ? claims.client_id : client.clientId,
    scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
    model: typeof claims.model === 'string' ? claims.model : undefined,
    expiresAt: exp,
    verifiedBy: useJwks ? 'jwks' : 'introspection',
    claims: Object.freeze({ ...claims }),
  };
}
