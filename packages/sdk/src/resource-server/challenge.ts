import { AuthAgentError, type AuthAgentErrorCode } from '../shared/errors.js';
import { type Refusal, refusalResponse } from '../shared/refusal.js';

/** What a challenge says besides the error. */
export interface ChallengeContext {
  /** The RFC 9728 metadata URL (`resource_metadata`, RFC 9728 §5.1). */
  metadataUrl: string;
  /** The scopes the route requires (`scope`, RFC 6750 §3). */
  scopes: readonly string[];
  /** Challenge with the DPoP scheme (RFC 9449 §7.1) instead of Bearer. */
  dpop: boolean;
  /** The DPoP algorithms accepted (`algs`, RFC 9449 §7.1). */
  dpopAlgorithms: readonly string[];
}

/**
 * A request the resource server refuses. It carries the HTTP answer: send
 * `error.toResponse()` (fetch, Hono) or `error.refusal` (any framework).
 */
export class ResourceServerError extends AuthAgentError {
  /** The status, headers (with WWW-Authenticate) and JSON body to answer with. */
  readonly refusal: Refusal;

  constructor(code: AuthAgentErrorCode, message: string, refusal: Refusal, cause?: unknown) {
    super(code, message, { status: refusal.status, ...(cause === undefined ? {} : { cause }) });
    this.refusal = refusal;
  }

  /** The refusal as a Web `Response`. */
  toResponse(): Response {
    return refusalResponse(this.refusal);
  }
}

// The HTTP answer of each refusal code; anything else means the token could not be checked.
const ANSWERS: Partial<Record<AuthAgentErrorCode, [Refusal['status'], string | undefined]>> = {
  // RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
  missing_token: [401, undefined],
  invalid_request: [400, 'invalid_request'],
  invalid_token: [401, 'invalid_token'],
  invalid_dpop_proof: [401, 'invalid_dpop_proof'],
  insufficient_scope: [403, 'insufficient_scope'],
};

function challenge(context: ChallengeContext, error?: string, description?: string): string {
  const parameters = [`resource_metadata="${context.metadataUrl}"`];
  if (context.scopes.length > 0) parameters.push(`scope="${context.scopes.join(' ')}"`);
  if (context.dpop) parameters.push(`algs="${context.dpopAlgorithms.join(' ')}"`);
  // RFC 6750 §3: error_description excludes `"` and `\`; the SDK's sentences have none,
  // and removing them keeps a quoted-string intact whatever a custom store throws.
  const safe = description?.replace(/["\\]/g, '');
  if (error) parameters.push(`error="${error}"`, `error_description="${safe}"`);
  return `${context.dpop ? 'DPoP' : 'Bearer'} ${parameters.join(', ')}`;
}

/**
 * Converts a failed check into the refusal to send: 401 with a challenge, 400, 403
 * `insufficient_scope`, or 503 when the token could not be checked (JWKS or metadata
 * unreachable), which says nothing about the token.
 *
 * @param error - what the check threw
 * @param context - the challenge parameters
 */
export function toResourceServerError(
  error: unknown,
  context: ChallengeContext,
): ResourceServerError {
  if (error instanceof ResourceServerError) return error;
  const code = error instanceof AuthAgentError ? error.code : undefined;
  const answer = code ? ANSWERS[code] : undefined;
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (!answer || !code) {
    const description = 'The access token could not be checked right now.';
    return new ResourceServerError(
      'server_error',
      error instanceof Error ? error.message : description,
      {
        status: 503,
        headers,
        body: { error: 'temporarily_unavailable', error_description: description },
      },
      error,
    );
  }
  const [status, oauthError] = answer;
  const description =
    code === 'missing_token' ? 'An access token is required.' : (error as Error).message;
  headers['WWW-Authenticate'] = challenge(context, oauthError, description);
  return new ResourceServerError(code, description, {
    status,
    headers,
    body: { error: oauthError ?? 'invalid_request', error_description: description },
  });
}
