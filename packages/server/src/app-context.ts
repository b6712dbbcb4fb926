import type { Logger } from 'pino';
import { PrincipalCalls } from './auth/principal-call.js';
import { ProofCache } from './auth/proof-cache.js';
import type { Config } from './config/load.js';
import { Security } from './security/security.js';
import { SigningKeyRing } from './security/signing-keys.js';
import type { ServerContext } from './server-context.js';
import { AccountStore } from './storage/account-store.js';
import type { SqlDriver } from './storage/driver.js';
import { OAuthStore } from './storage/oauth-store.js';
import { PrincipalStore } from './storage/principal-store.js';
import { AccessTokens, deriveCodeKey } from './tokens/access-token.js';

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
