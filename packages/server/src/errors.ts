/**
 * The one error taxonomy. Every failure a client can cause becomes an OAuthError, and
 * http/error-response.ts is the only place that turns one into a response.
 * Codes follow RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 7591 §3.2.2,
 * RFC 8707 §2, RFC 9449 §5 and OpenID Connect Core §3.1.2.6.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'invalid_token'
  | 'invalid_dpop_proof'
  | 'login_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'insufficient_scope'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  | 'not_found'
  | 'method_not_allowed'
  | 'request_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'server_error'
  | 'temporarily_unavailable';

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status: number = 400,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${error}: ${description}`);
  }
}

export const oauthError = {
  invalidRequest: (d: string) => new OAuthError('invalid_request', d, 400),
  /** RFC 6749 §5.2: 401 with a challenge when the client tried HTTP Basic. */
  invalidClient: (d = 'Client authentication failed.', usedBasic = false) =>
    new OAuthError(
      'invalid_client',
      d,
      401,
      usedBasic ? { 'WWW-Authenticate': 'Basic realm="auth-agent"' } : {},
    ),
  invalidGrant: (d: string) => new OAuthError('invalid_grant', d, 400),
  unauthorizedClient: (d: string) => new OAuthError('unauthorized_client', d, 400),
  unsupportedGrantType: (d: string) => new OAuthError('unsupported_grant_type', d, 400),
  unsupportedResponseType: (d: string) => new OAuthError('unsupported_response_type', d, 400),
  invalidScope: (d: string) => new OAuthError('invalid_scope', d, 400),
  /** RFC 8707 §2: a resource that is malformed, unknown, or not among those granted. */
  invalidTarget: (d: string) => new OAuthError('invalid_target', d, 400),
  /** RFC 9449 §5: a DPoP proof the token endpoint cannot accept. */
  invalidDPoPProof: (d: string) => new OAuthError('invalid_dpop_proof', d, 400),
  accessDenied: (d: string, status = 403) => new OAuthError('access_denied', d, status),
  notFound: (d = 'Not found.') => new OAuthError('not_found', d, 404),
  methodNotAllowed: (allow: string) =>
    new OAuthError('method_not_allowed', `Use ${allow}.`, 405, { Allow: allow }),
  requestTooLarge: (limit: number) =>
    new OAuthError('request_too_large', `The request body exceeds ${limit} bytes.`, 413),
  unsupportedMediaType: (d: string) => new OAuthError('unsupported_media_type', d, 415),
  invalidClientMetadata: (d: string) => new OAuthError('invalid_client_metadata', d, 400),
  invalidRedirectUri: (d: string) => new OAuthError('invalid_redirect_uri', d, 400),
  /** RFC 6750 §3.1: a bearer credential that is missing, unknown or expired (401). */
  invalidToken: (d: string, realm: string, tokenSent: boolean) =>
    new OAuthError('invalid_token', d, 401, {
      'WWW-Authenticate': tokenSent
        ? `Bearer realm="${realm}", error="invalid_token"`
        : `Bearer realm="${realm}"`,
    }),
  /**
   * The database did not answer (an outage, not a bug): 503 with Retry-After (RFC 9110
   * §15.6.4, §10.2.3), `temporarily_unavailable` as RFC 6749 §4.1.2.1 names it.
   */
  unavailable: (retryAfter: number) =>
    new OAuthError(
      'temporarily_unavailable',
      'The service is temporarily unavailable; retry shortly.',
      503,
      { 'Retry-After': String(Math.max(1, retryAfter)) },
    ),
  /** Password hashing is at its bound (docs/security.md): refused at once, not queued. */
  overloaded: (retryAfter = 1) =>
    new OAuthError(
      'temporarily_unavailable',
      'The server is busy checking secrets; retry shortly.',
      503,
      { 'Retry-After': String(Math.max(1, retryAfter)) },
    ),
};
