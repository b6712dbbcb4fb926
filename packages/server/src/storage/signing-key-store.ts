import type { JWK } from 'jose';
import type { SigningAlg } from '../config/load.js';
import type { SqlExecutor } from './driver.js';

/** A signing key as the database keeps it (migrations/functions/12-signing-keys.sql). */
export interface StoredSigningKey {
  kid: string;
  alg: SigningAlg;
  /** The published half of an asymmetric key; null for HS256. */
  publicJwk: JWK | null;
  /** The private (or HMAC) key, sealed; null on the row that marks the JWT_SECRET key. */
  wrappedKey: string | null;
  activatesAt: Date;
  /** When it stops being published; null until a newer key replaces it. */
  withdrawAt: Date | null;
  /** Neither revoked nor withdrawn (only rows without material are listed when not live). */
  live: boolean;
}

export interface NewSigningKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: JWK | null;
  wrappedKey: string;
}

export interface RotationTiming {
  /** Seconds between publishing the key and signing with it (0 in an emergency). */
  activateAfter: number;
  /** Seconds the replaced keys stay published after the new key starts signing. */
  keepAfter: number;
}

export interface RotationResult {
  signsFrom: Date;
  revokedKeys: number;
  revokedGrants: number;
}

/** The signing keys' SQL, one call per operation. */
export class SigningKeyStore {
  /**
   * `privileged` runs the first-key step as the schema owner (SqlDriver.privileged): the
   * application role may not add keys. Omitted where the connection is privileged already.
   */
  constructor(
    private readonly db: SqlExecutor,
    private readonly privileged: <T>(work: (tx: SqlExecutor) => Promise<T>) => Promise<T> = (
      work,
    ) => work(db),
  ) {}

  async list(): Promise<StoredSigningKey[]> {
    const rows = await this.db.query<{
      kid: string;
      alg: SigningAlg;
      public_jwk: JWK | string | null;
      wrapped_key: string | null;
      activates_at: Date;
      withdraw_at: Date | null;
      live: boolean;
    }>('SELECT * FROM security_signing_keys()');
    return rows.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      // pg parses jsonb; PGlite may hand back its text.
      publicJwk: typeof row.public_jwk === 'string' ? JSON.parse(row.public_jwk) : row.public_jwk,
      wrappedKey: row.wrapped_key,
      activatesAt: new Date(row.activates_at),
      withdrawAt: row.withdraw_at ? new Date(row.withdraw_at) : null,
      live: row.live,
    }));
  }

  /**
   * Adds the next key; with `emergency` it signs at once and everything else is revoked.
   * `as`: the operator (on the privileged connection), or an admin in a console session the
   * database verifies.
   */
  async rotate(
    key: NewSigningKey,
    timing: RotationTiming,
    emergency: boolean,
    envKid: string | undefined,
    as: 'operator' | 'admin',
  ): Promise<RotationResult> {
    const fn = as === 'admin' ? 'app_rotate_signing_key' : 'security_rotate_signing_key';
    const [row] = await this.db.query<{
      signs_from: Date;
      revoked_keys: number;
      revoked_grants: number;
    }>(`SELECT * FROM ${fn}($1, $2, $3, $4, $5, $6, $7, $8)`, [
      key.kid,
      key.alg,
      key.publicJwk ? JSON.stringify(key.publicJwk) : null,
      key.wrappedKey,
      timing.activateAfter,
      timing.keepAfter,
      emergency,
      envKid ?? null,
    ]);
    if (!row) throw new Error('security_rotate_signing_key returned no row');
    return {
      signsFrom: new Date(row.signs_from),
      revokedKeys: row.revoked_keys,
      revokedGrants: row.revoked_grants,
    };
  }

  /** Stores the first key of its algorithm unless another usable one exists; true if stored. */
  async ensure(key: NewSigningKey, keepAfter: number, unreadableKids: string[]): Promise<boolean> {
    const [row] = await this.privileged((tx) =>
      tx.query<{ stored: boolean }>(
        'SELECT security_ensure_signing_key($1, $2, $3, $4, $5, $6) AS stored',
        [
          key.kid,
          key.alg,
          key.publicJwk ? JSON.stringify(key.publicJwk) : null,
          key.wrappedKey,
          keepAfter,
          unreadableKids,
        ],
      ),
    );
    return row?.stored === true;
  }
}
