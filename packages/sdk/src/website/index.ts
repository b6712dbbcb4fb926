/**
 * Website side of Auth Agent: "Sign in with Auth Agent" on oauth4webapi, token
 * verification, Bearer middlewares for Hono and Express, and HttpOnly cookie storage.
 *
 * @packageDocumentation
 */
export {
  AuthAgentError,
  type AuthAgentErrorCode,
  type AuthAgentErrorDetails,
  isAuthAgentError,
} from '../shared/errors.js';
export {
  type AuthorizationTransaction,
  type AuthorizationUrl,
  type AuthorizationUrlOptions,
  createAuthorizationUrl,
} from './authorize.js';
export {
  authenticateBearer,
  type BearerAuthOptions,
  type BearerRefusal,
  getAccessToken,
} from './bearer.js';
export { handleCallback } from './callback.js';
export { discover, type WebsiteClient, type WebsiteClientOptions } from './client.js';
export { readCookie, type TokenCookieOptions, type TokenCookies, tokenCookies } from './cookies.js';
export {
  type ExpressRequestLike,
  type ExpressResponseLike,
  expressBearerAuth,
  type HonoContextLike,
  honoBearerAuth,
} from './middleware.js';
export { refresh, revoke } from './refresh-revoke.js';
export { isExpired, type TokenSet } from './tokens.js';
export { type AgentUserInfo, userinfo } from './userinfo.js';
export { type VerifiedAccessToken, verifyAccessToken } from './verify.js';
