import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/load.js';
import { randomToken } from '../crypto/random.js';

/** The secrets every instance of a deployment must share. */
export interface ServerSecrets {
  /** Seals the signing keys stored in the database; derives the authorization-code key. */
  keyEncryptionKey: string;
  /** The HS256 key, with SIGNING_ALG=HS256 only. */
  jwtSecret: string | undefined;
}

/**
 * A secret from the environment, or in development one generated once and kept in the
 * data dir (0600) so that keys and tokens survive a restart. Production must configure
 * them (config/production.ts); several instances must share them explicitly.
 */
function resolveSecret(config: Config, configured: string | undefined, file: string): string {
  if (configured) return configured;
  const path = join(config.dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomToken(48);
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return secret;
}

export function resolveServerSecrets(config: Config): ServerSecrets {
  return {
    keyEncryptionKey: resolveSecret(config, config.keyEncryptionKey, 'key-encryption-key'),
    jwtSecret:
      config.signingAlg === 'HS256'
        ? resolveSecret(config, config.jwtSecret, 'jwt-secret')
        : undefined,
  };
}
