import * as oauth from 'oauth4webapi';
import { AuthAgentError } from '../shared/errors.js';

/**
 * Converts what oauth4webapi throws into an {@link AuthAgentError}. OAuth error bodies keep
 * their `error` value; anything else is an unexpected response or a network failure.
 */
export function toAuthAgentError(error: unknown, action: string): AuthAgentError {
  if (error instanceof AuthAgentError) return error;
  if (error instanceof oauth.ResponseBodyError) {
    const description = error.error_description ?? error.error;
    const code =
      error.status === 429 ? 'rate_limited' : error.status >= 500 ? 'server_error' : 'oauth_error';
    return new AuthAgentError(code, `${action} failed: ${description}`, {
      status: error.status,
      oauthError: error.error,
      cause: error,
    });
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0];
    return new AuthAgentError('invalid_token', `${action} failed: the token was refused.`, {
      status: error.status,
      ...(challenge?.parameters.error ? { oauthError: challenge.parameters.error } : {}),
      cause: error,
    });
  }
  if (error instanceof oauth.OperationProcessingError || error instanceof TypeError) {
    const network = error instanceof TypeError && !('code' in error);
    return new AuthAgentError(
      network ? 'network_error' : 'unexpected_response',
      `${action} failed: ${network ? 'the server could not be reached' : error.message}.`,
      { cause: error },
    );
  }
  return new AuthAgentError('unexpected_response', `${action} failed.`, { cause: error });
}
