import type { Logger } from 'pino';
import type { Config } from './config/load.js';
import { SecretVerifier } from './crypto/secret-verifier.js';
import { Security } from './security/security.js';
import { SigningKeyRing } from './security/signing-keys.js';
import type { ServerContext } from './server-context.js';
import type { SqlDriver } from './storage/driver.js';
import { OAuthStore } from './storage/oauth-store.js';
import { AccessTokens, deriveCodeKey } from './tokens/access-token.js';

export function createServerContext(input: {
  config: Config;
  db: SqlDriver;
  logger: Logger;
  jwtSecret: string;
}): ServerContext {
  const { config, db, logger, jwtSecret } = input;
  return {
    config,
    db,
    logger,
    store: new OAuthStore(db),
    verifier: new SecretVerifier(config.pbkdf2Iterations),
    accessTokens: new AccessTokens(
      new SigningKeyRing(db, jwtSecret),
      config.issuer,
      config.accessTokenTtl,
    ),
    codeKey: deriveCodeKey(jwtSecret),
    security: new Security(config, db, logger),
  };
}
