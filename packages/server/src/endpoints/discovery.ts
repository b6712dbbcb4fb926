import type { Context } from 'hono';
import { grantRegistry } from '../grants/registry.js';
import { SUPPORTED_SCOPES } from '../oauth/scopes.js';
import type { ServerContext } from '../server-context.js';

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
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: [
      'client_secret_basic',
      'client_secret_post',
      'none',
    ],
    authorization_response_iss_parameter_supported: true,
    subject_types_supported: ['public'],
    claims_supported: ['sub', 'email', 'email_verified', 'name', 'model'],
    access_token_signing_alg_values_supported: ['HS256'],
  };
}

export function discoveryEndpoint(ctx: ServerContext) {
  const body = serverMetadata(ctx.config.issuer);
  return (c: Context) => c.json(body, 200, { 'Cache-Control': 'public, max-age=300' });
}

/** HS256 keys are secret, so the set is empty; it exists for clients that always fetch it. */
export function jwksEndpoint() {
  return (c: Context) => c.json({ keys: [] }, 200, { 'Cache-Control': 'public, max-age=300' });
}
