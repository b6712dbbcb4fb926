import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { SigningAlg } from '../config/load.js';
import { randomToken } from '../crypto/random.js';
import type { SealedBox } from '../crypto/sealed-box.js';
import type { NewSigningKey, StoredSigningKey } from '../storage/signing-key-store.js';

/** The CryptoKeys of a stored key: what verifies, and what signs when it can be opened. */
export interface ImportedKey {
  verify: CryptoKey;
  /** Undefined when the key is sealed under another KEY_ENCRYPTION_KEY. */
  sign: CryptoKey | undefined;
  /** The JWKS entry of an asymmetric key. */
  publicJwk: JWK | undefined;
}

/** How sealed keys are opened: the current box, and (HS256 only) the first release's. */
export interface KeyBoxes {
  current: SealedBox;
  /** Keys of the first release were sealed under JWT_SECRET, without a label. */
  legacy: SealedBox | undefined;
}

const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const;

export function importHmacKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(raw), HMAC, false, ['sign', 'verify']);
}

/** A fresh key of `alg`, sealed for the database; the private half never leaves the seal. */
export async function generateSigningKey(alg: SigningAlg, box: SealedBox): Promise<NewSigningKey> {
  const kid = randomToken(16);
  if (alg === 'HS256')
    return { kid, alg, publicJwk: null, wrappedKey: box.seal(randomBytes(48), kid) };
  const pair = await generateKeyPair(alg, { extractable: true });
  const privateJwk = JSON.stringify(await exportJWK(pair.privateKey));
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, publicJwk, wrappedKey: box.seal(Buffer.from(privateJwk, 'utf8'), kid) };
}

function opened(row: StoredSigningKey, boxes: KeyBoxes): Buffer | undefined {
  if (!row.wrappedKey) return undefined;
  const current = boxes.current.open(row.wrappedKey, row.kid);
  if (current || row.alg !== 'HS256') return current;
  return boxes.legacy?.open(row.wrappedKey, '');
}

/** Whether this deployment's secrets open a stored key (a restore checks its keys). */
export function opensWith(row: StoredSigningKey, boxes: KeyBoxes): boolean {
  const material = opened(row, boxes);
  material?.fill(0);
  return material !== undefined;
}

/**
 * Imports a stored key (each import is a WebCrypto job; the ring keeps the result per kid).
 * Returns undefined for a key this instance cannot use at all: an HS256 key it cannot open.
 */
export async function importStoredKey(
  row: StoredSigningKey,
  boxes: KeyBoxes,
): Promise<ImportedKey | undefined> {
  const material = opened(row, boxes);
  if (row.alg === 'HS256') {
    if (!material) return undefined;
    const key = await importHmacKey(material);
    material.fill(0);
    return { verify: key, sign: key, publicJwk: undefined };
  }
  if (!row.publicJwk) return undefined;
  const verify = (await importJWK(row.publicJwk, row.alg)) as CryptoKey;
  let sign: CryptoKey | undefined;
  if (material) {
    const jwk = JSON.parse(material.toString('utf8')) as JWK;
    material.fill(0);
    sign = (await importJWK(jwk, row.alg, { extractable: false })) as CryptoKey;
  }
  const { kid, alg, kty, crv, x, y, n, e } = row.publicJwk;
  const publicJwk = Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e, kid, alg, use: 'sig' }).filter(([, v]) => v),
  ) as JWK;
  return { verify, sign, publicJwk };
}
