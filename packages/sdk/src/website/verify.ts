import * as oauth from 'oauth4webapi';
import { asymmetricAlgorithms } from '../shared/algorithms.js';
import { AuthAgentError } from '../shared/errors.js';
import { JwtAccessTokenVerifier } from '../shared/jwt-access-token.js';
import { toVerifiedAccessToken, type VerifiedAccessToken } from '../shared/verified-token.js';
import { type ClientInternals, internalsOf, type WebsiteClient } from './client.js';
import { toAuthAgentError } from './oauth-errors.js';

export type { VerifiedAccessToken } from '../shared/verified-token.js';

function invalid(message: string): AuthAgentError {
  return new AuthAgentError('invalid_token', message);
}

function audienceIncludes(aud: unknown, clientId: string): boolean {
  return aud === clientId || (Array.isArray(aud) && aud.includes(clientId));
}

// One verifier per client: it owns the JWKS fetch that oauth4webapi's cache is keyed on.
const verifiers = new WeakMap<WebsiteClient, JwtAccessTokenVerifier>();

/** RFC 9068 JWT access token, verified locally against the server's JWKS. */
async function viaJwks(client: WebsiteClient, inner: ClientInternals, token: string) {
  let verifier = verifiers.get(client);
  if (!verifier) {
    verifier = new JwtAccessTokenVerifier(inner.as, {
      audience: client.clientId,
      // A bare token string carries no proof, so a DPoP-bound token is refused here.
      dpopAlgorithms: [],
      requireDPoP: false,
      replayStore: undefined,
      clockToleranceSeconds: 30,
      http: inner.http,
    });
    verifiers.set(client, verifier);
  }
  try {
    return await verifier.verify({
      scheme: 'bearer',
      token,
      proof: null,
      method: 'GET',
      url: client.issuer,
    });
  } catch (error) {
    if (error instanceof AuthAgentError && error.code === 'network_error') throw error;
    // The verifier's messages are safe to show; its DPoP codes mean "not usable here".
    const message = error instanceof Error ? error.message : 'The access token is not valid.';
    throw new AuthAgentError('invalid_token', message);
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
 * audience must be this website and the token must not have expired. The JWKS path shares
 * the resource-server verifier; a DPoP-bound token is refused, since a bare token string
 * comes without its proof (use `@auth-agent/sdk/resource-server` for DPoP).
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
  const algorithms = asymmetricAlgorithms(
    client.metadata.access_token_signing_alg_values_supported,
  );
  if (algorithms.length > 0 && client.metadata.jwks_uri) return viaJwks(client, inner, token);
  const claims = await viaIntrospection(client, inner, token);
  const exp = claims.exp;
  if (typeof exp !== 'number' || exp <= Math.floor(Date.now() / 1000))
    throw invalid('The access token has expired.');
  if (typeof claims.sub !== 'string') throw invalid('The access token names no agent.');
  return toVerifiedAccessToken(claims, 'introspection', client.clientId);
}
