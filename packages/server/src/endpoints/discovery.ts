import type { Context } from 'hono';
import { ASSERTION_SIGNING_ALGS } from '../clients/metadata/jwks.js';
import type { Config } from '../config/load.js';
import { grantRegistry } from '../grants/registry.js';
import { SUPPORTED_SCOPES } from '../oauth/scopes.js';
import type { ServerContext } from '../server-context.js';

const CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
];

/** RFC 8414 §2 authorization server metadata; also served as openid-configuration. */
export function serverMetadata(issuer: string) {
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
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGS],
    introspection_endpoint_auth_methods_supported: [
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
    ],
    introspection_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGS],
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGS],
    authorization_response_iss_parameter_supported: true,
    subject_types_supported: ['public'],
    claims_supported: ['sub', 'email', 'email_verified', 'name', 'model'],
    access_token_signing_alg_values_supported: ['HS256'],
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
  const body = { ...serverMetadata(ctx.config.issuer), ...registrationMetadata(ctx.config) };
  return (c: Context) => c.json(body, 200, { 'Cache-Control': 'public, max-age=300' });
}

/** HS256 keys are secret, so the set is empty; it exists for clients that always fetch it. */
export function jwksEndpoint() {
  return (c: Context) => c.json({ keys: [] }, 200, { 'Cache-Control': 'public, max-age=300' });
}
