import type { Logger } from 'pino';
import type { Config, SigningAlg } from '../config/load.js';
import { sha256 } from '../crypto/digest.js';
import { SealedBox } from '../crypto/sealed-box.js';
import type { SqlDriver, SqlExecutor } from '../storage/driver.js';
import { type RotationResult, SigningKeyStore } from '../storage/signing-key-store.js';
import { generateSigningKey, type KeyBoxes, opensWith } from './key-material.js';
import { SigningKeyRing } from './key-ring.js';
import type { ServerSecrets } from './server-secrets.js';

/**
 * Margin added to the token lifetime before a replaced key is withdrawn: verifiers' clock
 * leeway (oauth4webapi and jose allow tokens a little past `exp`) and instances' key-set
 * refresh (tokens/key-ring.ts, 2 s).
 */
const WITHDRAW_MARGIN_SECONDS = 60;

/** How long a replaced key stays published: every token it signed has expired by then. */
export function keepAfterSeconds(config: Config): number {
  return config.accessTokenTtl + WITHDRAW_MARGIN_SECONDS;
}

/** The kid of the JWT_SECRET key; the same formula the first release used. */
export function envKeyId(secret: string): string {
  return sha256(`kid:${secret}`).slice(0, 16);
}

function keyBoxes(secrets: ServerSecrets): KeyBoxes {
  return {
    current: new SealedBox(secrets.keyEncryptionKey, 'signing-key-v2'),
    legacy: secrets.jwtSecret ? new SealedBox(secrets.jwtSecret, 'signing-key-wrap-v1') : undefined,
  };
}

/** The ring a server signs and verifies with. */
export function createKeyRing(
  db: SqlDriver,
  config: Config,
  secrets: ServerSecrets,
  logger: Logger,
): SigningKeyRing {
  const secret = config.signingAlg === 'HS256' ? secrets.jwtSecret : undefined;
  const store = new SigningKeyStore(db, (work) => db.privileged(work));
  return new SigningKeyRing(store, {
    alg: config.signingAlg,
    boxes: keyBoxes(secrets),
    envKey: secret ? { kid: envKeyId(secret), secret } : undefined,
    keepAfter: keepAfterSeconds(config),
    logger,
  });
}

export interface RotatedKey extends RotationResult {
  kid: string;
  alg: SigningAlg;
}

/**
 * Makes the next key (publish-then-activate: it signs SIGNING_KEY_ACTIVATION_DELAY seconds
 * from now, and the keys it replaces are withdrawn once their tokens have expired), or in an
 * emergency a key that signs at once while every other key and every grant is revoked.
 */
export async function rotateSigningKey(
  db: SqlExecutor,
  config: Config,
  secrets: ServerSecrets,
  emergency: boolean,
  as: 'operator' | 'admin',
): Promise<RotatedKey> {
  const key = await generateSigningKey(config.signingAlg, keyBoxes(secrets).current);
  const secret = config.signingAlg === 'HS256' ? secrets.jwtSecret : undefined;
  const result = await new SigningKeyStore(db).rotate(
    key,
    { activateAfter: config.signingKeyActivationDelay, keepAfter: keepAfterSeconds(config) },
    emergency,
    secret ? envKeyId(secret) : undefined,
    as,
  );
  return { kid: key.kid, alg: key.alg, ...result };
}

/**
 * The live keys of this database that `secrets` cannot open: a database restored under
 * another KEY_ENCRYPTION_KEY (or JWT_SECRET) signs nothing with them.
 */
export async function keysSealedElsewhere(db: SqlExecutor, secrets: ServerSecrets) {
  const boxes = keyBoxes(secrets);
  const keys = await new SigningKeyStore(db).list();
  return keys
    .filter((key) => key.live && key.wrappedKey && !opensWith(key, boxes))
    .map((key) => key.kid);
}
