import type { Context } from 'hono';
import { ASSERTION_SIGNING_ALGS } from '../clients/metadata/jwks.js';
import type { Config } from '../config/load.js';
import { grantRegistry } from '../grants/registry.js';
import { DPOP_ALGORITHMS } from '../oauth/dpop-proof.js';
import { SUPPORTED_SCOPES } from '../oauth/scopes.js';
import { oidcEnabled, type ServerContext } from '../server-context.js';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** OpenID Connect Discovery §3, beyond RFC 8414: only while ID tokens are issued. */
function openIdMetadata(config: Config) {
  return {
    id_token_signing_alg_values_supported: [config.signingAlg],
    claims_supported: [
      ...['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'azp', 'at_hash'],
      ...['name', 'email', 'email_verified', 'model'],
    ],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}

/**
 * RFC 8414 §2 authorization server metadata, also served as openid-configuration while
 * OpenID Connect is on. It says exactly what the server does: the signing algorithm in use
 * (RFC 9068 access tokens), the DPoP proof algorithms accepted (RFC 9449 §5.1).
 */
export function serverMetadata(config: Config) {
  const { issuer } = config;
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    introspection_endpoint: `${issuer}/introspect`,
    revocation_endpoint: `${issuer}/revoke`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    agent_authentication_endpoint: `${issuer}/api/agent/authenticate`,
    agent_status_endpoint: `${issuer}/api/check-status`,
    scopes_supported: [...SUPPORTED_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...grantRegistry.keys()],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: [...AUTH_METHODS, 'none'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGS],
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGS],
    revocation_endpoint_auth_methods_supported: [...AUTH_METHODS, 'none'],
    revocation_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGS],
    authorization_response_iss_parameter_supported: true,
    subject_types_supported: ['public'],
    claims_supported: ['sub', 'email', 'email_verified', 'name', 'model'],
    access_token_signing_alg_values_supported: [config.signingAlg],
    dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS],
    ...(oidcEnabled(config) ? openIdMetadata(config) : {}),
  };
}

/**
 * How clients may register without an owner: RFC 7591 §3 (registration_endpoint, unless
 * CLIENT_REGISTRATION=off) and Client ID Metadata Documents (CIMD draft §"Authorization
 * Server Metadata").
 */
export function registrationMetadata(config: Config) {
  return {
    ...(config.registration.mode === 'off'
      ? {}
      : { registration_endpoint: `${config.issuer}/register` }),
    client_id_metadata_document_supported: config.clientMetadata.enabled,
  };
}

export function discoveryEndpoint(ctx: ServerContext) {
  const body = { ...serverMetadata(ctx.config), ...registrationMetadata(ctx.config) };
  return (c: Context) => c.json(body, 200, { 'Cache-Control': 'public, max-age=300' });
}

/**
 * The public keys of every published signing key (RFC 7517 §5): the next key before it
 * signs, the previous ones until their tokens expire. Cacheable for JWKS_MAX_AGE seconds,
 * which is what the rotation's activation delay is measured against; the ETag lets a
 * verifier revalidate for nothing. HS256 keys are secret: that deployment publishes none.
 */
export function jwksEndpoint(ctx: ServerContext) {
  const cacheControl = `public, max-age=${ctx.config.jwksMaxAge}`;
  return async (c: Context) => {
    const { body, etag } = await ctx.keys.jwks();
    const headers = { 'Cache-Control': cacheControl, ETag: etag };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(body, 200, { ...headers, 'Content-Type': 'application/jwk-set+json' });
  };
}
