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

/** The files a development data dir keeps its generated secrets in. */
const SECRET_FILES = {
  KEY_ENCRYPTION_KEY: 'key-encryption-key',
  JWT_SECRET: 'jwt-secret',
} as const;
type SecretName = keyof typeof SECRET_FILES;
export const SECRET_FILE_NAMES: readonly string[] = Object.values(SECRET_FILES);

export function resolveServerSecrets(config: Config): ServerSecrets {
  return {
    keyEncryptionKey: resolveSecret(
      config,
      config.keyEncryptionKey,
      SECRET_FILES.KEY_ENCRYPTION_KEY,
    ),
    jwtSecret:
      config.signingAlg === 'HS256'
        ? resolveSecret(config, config.jwtSecret, SECRET_FILES.JWT_SECRET)
        : undefined,
  };
}

/**
 * The secrets resolveServerSecrets would generate anew (not configured, no file in the data
 * dir), by setting name: a restored database needs the ones its keys were sealed under.
 */
export function secretsToGenerate(config: Config): SecretName[] {
  const configured: Partial<Record<SecretName, string | undefined>> = {
    KEY_ENCRYPTION_KEY: config.keyEncryptionKey,
    ...(config.signingAlg === 'HS256' ? { JWT_SECRET: config.jwtSecret } : {}),
  };
  return (Object.keys(configured) as SecretName[]).filter(
    (name) => !configured[name] && !existsSync(join(config.dataDir, SECRET_FILES[name])),
  );
}
