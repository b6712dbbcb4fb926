/**
 * Every failure the SDK reports, as a stable string. Branch on `error.code`, never on the
 * message: messages explain, codes are the contract.
 */
export type AuthAgentErrorCode =
  /** The options given to the SDK are unusable (bad issuer URL, missing secret…). */
  | 'invalid_config'
  /** A page or URL is not served by the configured issuer, so the secret was not sent. */
  | 'untrusted_origin'
  /** No agent sign-in page appeared in the browser before the timeout. */
  | 'sign_in_page_not_found'
  /** The HTML, URL or page carries no sign-in request id. */
  | 'request_id_not_found'
  /** The server rejected the agent id or secret (HTTP 401). */
  | 'authentication_failed'
  /** The server refused the sign-in (disabled agent, too many failed attempts). */
  | 'access_denied'
  /** The server rejected the request as malformed, expired or already completed. */
  | 'invalid_request'
  /** Still rate limited (HTTP 429) after the retries, or asked to wait longer than allowed. */
  | 'rate_limited'
  /** The server kept failing (HTTP 5xx) after the retries. */
  | 'server_error'
  /** The server could not be reached. */
  | 'network_error'
  /** An operation did not finish in time. */
  | 'timeout'
  /** The server answered with something this SDK does not understand. */
  | 'unexpected_response'
  /** The callback's `state` is missing or differs from the one saved before redirecting. */
  | 'state_mismatch'
  /** The callback's `iss` is missing or names another issuer (RFC 9207). */
  | 'issuer_mismatch'
  /** The server sent the browser back with an OAuth error (e.g. `access_denied`). */
  | 'authorization_error'
  /** The token, introspection, revocation or userinfo endpoint returned an OAuth error. */
  | 'oauth_error'
  /** An access token is missing, malformed, expired, revoked or meant for someone else. */
  | 'invalid_token'
  /** A request to a protected resource carried no access token (RFC 6750 §3.1). */
  | 'missing_token'
  /** The DPoP proof with a DPoP-bound token is missing, invalid or replayed (RFC 9449 §7.1). */
  | 'invalid_dpop_proof'
  /** The access token is valid but lacks a scope the resource requires (RFC 6750 §3.1). */
  | 'insufficient_scope'
  /** Token verification needs introspection, which needs a confidential client. */
  | 'introspection_unavailable'
  /** The issuer's metadata could not be fetched or does not match the issuer. */
  | 'discovery_failed';

/** Extra facts attached to an {@link AuthAgentError}. */
export interface AuthAgentErrorDetails {
  /** HTTP status of the response that caused the error, when there was one. */
  status?: number;
  /** The OAuth `error` value from the server (RFC 6749 §5.2), when there was one. */
  oauthError?: string;
  /** Seconds the server asked to wait (Retry-After), when it asked. */
  retryAfterSeconds?: number;
  /** The underlying error. */
  cause?: unknown;
}

/** The one error type of the SDK. Messages never contain secrets, tokens or codes. */
export class AuthAgentError extends Error {
  override readonly name = 'AuthAgentError';
  /** Machine-readable reason; see {@link AuthAgentErrorCode}. */
  readonly code: AuthAgentErrorCode;
  /** HTTP status of the response that caused the error, when there was one. */
  readonly status: number | undefined;
  /** The OAuth `error` value returned by the server, when there was one. */
  readonly oauthError: string | undefined;
  /** Seconds the server asked to wait before retrying, when it said. */
  readonly retryAfterSeconds: number | undefined;

  /**
   * @param code - machine-readable reason
   * @param message - human explanation (never include secrets)
   * @param details - status, OAuth error, Retry-After and cause
   */
  constructor(code: AuthAgentErrorCode, message: string, details: AuthAgentErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.oauthError = details.oauthError;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/**
 * Type guard for {@link AuthAgentError}, optionally of one code.
 *
 * @param error - anything caught
 * @param code - when given, also require this code
 */
export function isAuthAgentError(
  error: unknown,
  code?: AuthAgentErrorCode,
): error is AuthAgentError {
  return error instanceof AuthAgentError && (code === undefined || error.code === code);
}
