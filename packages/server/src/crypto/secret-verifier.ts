import { randomBytes } from 'node:crypto';
import { hmacSha256 } from './digest.js';
import { decoyHash, verifySecret } from './pbkdf2.js';

export type PrincipalKind = 'agent' | 'client';

/** The row a presented secret is checked against. */
export interface StoredSecret {
  /** The row's primary key. */
  id: string;
  /** The id the caller presents (agent_id, client_id). */
  publicId: string;
  secretVersion: number;
  secretHash: string;
}

/**
 * Verifies agent and client secrets against their PBKDF2 hashes, remembering successes
 * briefly. Every cache key is an HMAC of the presented secret under a per-process key; the
 * plaintext is never kept, and failures are never remembered.
 *
 * Two memories, both bound to the row's secret_version, so rotating, disabling or deleting
 * (each bumps or removes the row) makes old entries useless at once:
 * - `verify` skips PBKDF2 when the same secret was verified against the same stored hash;
 * - `rememberedVersion` lets a grant run in one round trip: the database re-checks the
 *   version, `disabled` and the lockout in the same statement (006_single_round_trip.sql).
 */
export class SecretVerifier {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, number>();
  private readonly versions = new Map<string, { version: number; expiry: number }>();

  constructor(
    private readonly iterations: number,
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  async verify(kind: PrincipalKind, stored: StoredSecret, secret: string): Promise<boolean> {
    const cacheKey = hmacSha256(
      this.key,
      `${kind}\0${stored.id}\0${stored.secretVersion}\0${stored.secretHash}\0${secret}`,
    );
    // Entries are not extended by use: each one lives ttlMs from its PBKDF2 verification.
    const expiry = this.verified.get(cacheKey);
    if (expiry !== undefined && expiry > Date.now()) return true;
    if (!(await verifySecret(secret, stored.secretHash))) return false;
    const until = Date.now() + this.ttlMs;
    this.remember(this.verified, cacheKey, until);
    this.remember(this.versions, this.presentedKey(kind, stored.publicId, secret), {
      version: stored.secretVersion,
      expiry: until,
    });
    return true;
  }

  /** The secret_version this secret was last verified against, if still remembered. */
  rememberedVersion(kind: PrincipalKind, publicId: string, secret: string): number | undefined {
    const entry = this.versions.get(this.presentedKey(kind, publicId, secret));
    return entry && entry.expiry > Date.now() ? entry.version : undefined;
  }

  /** The database found the remembered version stale: verify in full next time. */
  forget(kind: PrincipalKind, publicId: string, secret: string): void {
    this.versions.delete(this.presentedKey(kind, publicId, secret));
  }

  /** Spends the same time as a real verification, for ids that do not exist. */
  async decoy(secret: string): Promise<false> {
    await verifySecret(secret, await decoyHash(this.iterations));
    return false;
  }

  private presentedKey(kind: PrincipalKind, publicId: string, secret: string): string {
    return hmacSha256(this.key, `presented\0${kind}\0${publicId}\0${secret}`);
  }

  private remember<V>(map: Map<string, V>, cacheKey: string, value: V): void {
    map.delete(cacheKey);
    if (map.size >= this.maxEntries) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(cacheKey, value);
  }
}
