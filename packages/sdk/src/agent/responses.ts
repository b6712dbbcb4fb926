import { AuthAgentError, type AuthAgentErrorCode } from '../shared/errors.js';
import { retryAfterMs } from '../shared/retry.js';

interface OAuthErrorBody {
  error?: unknown;
  error_description?: unknown;
}

async function readErrorBody(response: Response): Promise<OAuthErrorBody> {
  try {
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null ? (body as OAuthErrorBody) : {};
  } catch {
    return {};
  }
}

function codeForStatus(status: number): AuthAgentErrorCode {
  if (status === 401) return 'authentication_failed';
  if (status === 403) return 'access_denied';
  if (status === 400) return 'invalid_request';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'unexpected_response';
}

/**
 * Turns a failed response of the agent endpoint into a typed error. The server's
 * `error_description` is safe to show: the server never puts secrets in it.
 */
export async function errorFromResponse(response: Response): Promise<AuthAgentError> {
  const body = await readErrorBody(response);
  const description =
    typeof body.error_description === 'string'
      ? body.error_description
      : `The server answered HTTP ${response.status}.`;
  const retryAfter = retryAfterMs(response.headers.get('retry-after'));
  return new AuthAgentError(codeForStatus(response.status), description, {
    status: response.status,
    ...(typeof body.error === 'string' ? { oauthError: body.error } : {}),
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: Math.ceil(retryAfter / 1000) }),
  });
}
