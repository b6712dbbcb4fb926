import type { Logger } from 'pino';
import type { Config } from './config/load.js';
import type { SecretVerifier } from './crypto/secret-verifier.js';
import type { Security } from './security/security.js';
import type { SqlDriver } from './storage/driver.js';
import type { OAuthStore } from './storage/oauth-store.js';
import type { AccessTokens } from './tokens/access-token.js';

/** What every endpoint may use; built once in app-context.ts. */
export interface ServerContext {
  readonly config: Config;
  readonly db: SqlDriver;
  readonly store: OAuthStore;
  readonly verifier: SecretVerifier;
  readonly accessTokens: AccessTokens;
  readonly codeKey: Uint8Array;
  readonly logger: Logger;
  /** Rate limits, lockout, security log, metrics and alerts (src/security). */
  readonly security: Security;
}
