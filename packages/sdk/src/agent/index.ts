/**
 * Agent side of Auth Agent: sign an AI agent in to websites with its own credentials, and
 * hold a DPoP key to use sender-constrained access tokens (RFC 9449).
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
export { createDPoPFetch, type DPoPFetch, type DPoPFetchOptions } from './dpop-fetch.js';
export { type DPoPAlgorithm, DPoPKey, type DPoPProofRequest } from './dpop-key.js';
export type { PlaywrightPageLike } from './page.js';
export { requestIdFrom } from './request-id.js';
