/**
 * Resource-server side of Auth Agent: accept Auth Agent access tokens in an API or MCP
 * server — offline verification (RFC 9068), DPoP (RFC 9449), protected-resource metadata
 * (RFC 9728) and RFC 6750 challenges, for fetch handlers, Hono and Express.
 *
 * @packageDocumentation
 */
export {
  AuthAgentError,
  type AuthAgentErrorCode,
  type AuthAgentErrorDetails,
  isAuthAgentError,
} from '../shared/errors.js';
export type { Refusal } from '../shared/refusal.js';
export {
  type DPoPReplayStore,
  MemoryReplayStore,
  type MemoryReplayStoreOptions,
} from '../shared/replay-store.js';
export { getAccessToken } from '../shared/request-token.js';
export type { RetryPolicy } from '../shared/retry.js';
export type { VerifiedAccessToken } from '../shared/verified-token.js';
export { ResourceServerError } from './challenge.js';
export type {
  ExpressRequestLike,
  FrameworkAdapters,
  HonoContextLike,
} from './frameworks.js';
export { METADATA_PATH, type ProtectedResourceMetadata } from './metadata.js';
export type { ResourceServerOptions } from './options.js';
export {
  createResourceServer,
  type IncomingRequest,
  type ProtectedHandler,
  type ProtectOptions,
  type ResourceServer,
} from './resource-server.js';
