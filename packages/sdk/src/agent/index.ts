/**
 * Agent side of Auth Agent: sign an AI agent in to websites with its own credentials.
 *
 * @packageDocumentation
 */
export {
  AuthAgentError,
  type AuthAgentErrorCode,
  type AuthAgentErrorDetails,
  isAuthAgentError,
} from '../shared/errors.js';
export type { RetryPolicy } from '../shared/retry.js';
export {
  AuthAgent,
  type AuthAgentOptions,
  type AuthenticateResult,
  type SignInOptions,
  type SignInResult,
} from './auth-agent.js';
export type { PlaywrightPageLike } from './page.js';
export { requestIdFrom } from './request-id.js';
