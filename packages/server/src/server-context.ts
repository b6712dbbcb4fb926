import type { Logger } from 'pino';
import { PrincipalCalls } from './auth/principal-call.js';
import { ProofCache } from './auth/proof-cache.js';
import type { Config } from './config/load.js';
import { Security } from './security/security.js';
import { AccountStore } from './storage/account-store.js';
import type { SqlDriver } from './storage/driver.js';
import { OAuthStore } from './storage/oauth-store.js';
import { PrincipalStore } from './storage/principal-store.js';
import { AccessTokens, deriveCodeKey } from './tokens/access-token.js';
import { SigningKeyRing } from './tokens/signing-keys.js';

/** What every endpoint may use; built once per server by createServerContext below. */
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

/** Builds the context once per server process (start-server.ts, tests, the demo). */
export function createServerContext(input: {
  config: Config;
  db: SqlDriver;
  logger: Logger;
  jwtSecret: string;
}): ServerContext {
  const { config, db, logger, jwtSecret } = input;
  const principalStore = new PrincipalStore(db, config.lockout);
  return {
    config,
    db,
    logger,
    principalStore,
    store: new OAuthStore(db, principalStore),
    accounts: new AccountStore(db, principalStore),
    principals: new PrincipalCalls(new ProofCache(), config.pbkdf2Iterations),
    accessTokens: new AccessTokens(
      new SigningKeyRing(db, jwtSecret),
      config.issuer,
      config.accessTokenTtl,
    ),
    codeKey: deriveCodeKey(jwtSecret),
    security: new Security(config, db, logger),
  };
}
