import type { Logger } from 'pino';
import type { PrincipalCalls } from './auth/principal-call.js';
import type { Config } from './config/load.js';
import type { Security } from './security/security.js';
import type { AccountStore } from './storage/account-store.js';
import type { SqlDriver } from './storage/driver.js';
import type { OAuthStore } from './storage/oauth-store.js';
import type { PrincipalStore } from './storage/principal-store.js';
import type { AccessTokens } from './tokens/access-token.js';

/** What every endpoint may use; built once in app-context.ts. */
export interface ServerContext {
  readonly config: Config;
  readonly db: SqlDriver;
  readonly store: OAuthStore;
  readonly accounts: AccountStore;
  readonly principalStore: PrincipalStore;
  /** Runs operations as a presented agent, client or user (auth/principal-call.ts). */
  readonly principals: PrincipalCalls;
  readonly accessTokens: AccessTokens;
  readonly codeKey: Uint8Array;
  readonly logger: Logger;
  /** Rate limits, the security log, metrics and alerts (src/security). */
  readonly security: Security;
}
