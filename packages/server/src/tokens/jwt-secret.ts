import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/load.js';
import { randomToken } from '../crypto/random.js';

/**
 * The HS256 key. Production must supply JWT_SECRET (checked in config/load.ts); development
 * generates one and keeps it in the data dir so tokens survive a restart. Several instances
 * must share JWT_SECRET explicitly.
 */
export function resolveJwtSecret(config: Config, options: { ephemeral?: boolean } = {}): string {
  if (config.jwtSecret) return config.jwtSecret;
  if (options.ephemeral) return randomToken(48);
  const path = join(config.dataDir, 'jwt-secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomToken(48);
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return secret;
}
