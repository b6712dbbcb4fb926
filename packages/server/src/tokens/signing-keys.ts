import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { sha256 } from '../crypto/digest.js';
import type { SqlExecutor } from '../storage/driver.js';

export interface SigningKey {
  kid: string;
  key: CryptoKey;
}

/**
 * Imported once per key: handed raw bytes, jose imports a CryptoKey on every sign and
 * verify, which the benchmark's profile showed as a tenth of the server's CPU.
 */
function importHmacKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    new Uint8Array(raw),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
}

/** The kid of the JWT_SECRET key; the same formula the first release used. */
export function envKeyId(secret: string): string {
  return sha256(`kid:${secret}`).slice(0, 16);
}

function wrappingKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'auth-agent', 'signing-key-wrap-v1', 32));
}

/** AES-256-GCM under a key derived from JWT_SECRET: a database dump alone yields no key. */
export function wrapKey(secret: string, key: Uint8Array): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(secret), iv);
  const sealed = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

function unwrapKey(secret: string, wrapped: string): Uint8Array | undefined {
  try {
    const raw = Buffer.from(wrapped, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', wrappingKey(secret), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
  } catch {
    // Wrapped under another JWT_SECRET: replacing JWT_SECRET retires every stored key.
    return undefined;
  }
}

interface KeySet {
  current: SigningKey;
  verifying: Map<string, CryptoKey>;
  loadedAt: number;
}

/**
 * The access-token signing keys: the JWT_SECRET key, plus keys added by `keys rotate` and
 * stored (wrapped) in the database. The newest usable key signs; every key not revoked
 * verifies, so tokens signed before a rotation stay valid until they expire. The set is
 * re-read at most every `maxAgeMs`, so a rotation or revocation made by the CLI or another
 * instance takes effect everywhere within that time.
 */
export class SigningKeyRing {
  readonly envKid: string;
  private readonly envKey: Uint8Array;
  private cached: KeySet | undefined;
  /** A kid always names the same key bytes, so its CryptoKey is reused across reloads. */
  private readonly imported = new Map<string, Promise<CryptoKey>>();
  private loading: Promise<KeySet> | undefined;

  constructor(
    private readonly db: SqlExecutor,
    private readonly secret: string,
    private readonly maxAgeMs = 2_000,
  ) {
    this.envKid = envKeyId(secret);
    this.envKey = new TextEncoder().encode(secret);
  }

  async signingKey(): Promise<SigningKey> {
    return (await this.keys()).current;
  }

  async verificationKey(kid: string): Promise<CryptoKey | undefined> {
    return (await this.keys()).verifying.get(kid);
  }

  private async keys(): Promise<KeySet> {
    if (this.cached && Date.now() - this.cached.loadedAt < this.maxAgeMs) return this.cached;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    this.cached = await this.loading;
    return this.cached;
  }

  private cryptoKey(kid: string, raw: Uint8Array): Promise<CryptoKey> {
    let key = this.imported.get(kid);
    if (!key) {
      key = importHmacKey(raw);
      this.imported.set(kid, key);
    }
    return key;
  }

  private async load(): Promise<KeySet> {
    const rows = await this.db.query<{ kid: string; wrapped_key: string | null; revoked: boolean }>(
      'SELECT kid, wrapped_key, revoked FROM security_signing_keys()',
    );
    const verifying = new Map<string, CryptoKey>();
    let current: SigningKey | undefined;
    const envRevoked = rows.some((r) => r.kid === this.envKid && r.revoked);
    for (const row of rows) {
      if (row.revoked || !row.wrapped_key) continue;
      const raw = this.imported.has(row.kid) ? undefined : unwrapKey(this.secret, row.wrapped_key);
      if (raw) this.imported.set(row.kid, importHmacKey(raw));
      const key = await this.imported.get(row.kid);
      if (!key) continue;
      verifying.set(row.kid, key);
      current ??= { kid: row.kid, key };
    }
    const envKey = await this.cryptoKey(this.envKid, this.envKey);
    if (!envRevoked) verifying.set(this.envKid, envKey);
    // With every key revoked and none usable, sign with the env key rather than fail;
    // `keys rotate --revoke-all` always adds a fresh key first, so this is a corrupt state.
    current ??= { kid: this.envKid, key: envKey };
    return { current, verifying, loadedAt: Date.now() };
  }
}

/** Adds a fresh current key; returns its kid and how many keys were revoked. */
export async function rotateSigningKey(
  db: SqlExecutor,
  secret: string,
  revokeOthers: boolean,
): Promise<{ kid: string; revoked: number }> {
  const kid = `k_${randomBytes(12).toString('hex')}`;
  const [row] = await db.query<{ revoked: number }>(
    'SELECT security_rotate_signing_key($1, $2, $3, $4) AS revoked',
    [kid, wrapKey(secret, randomBytes(48)), revokeOthers, envKeyId(secret)],
  );
  return { kid, revoked: row?.revoked ?? 0 };
}
