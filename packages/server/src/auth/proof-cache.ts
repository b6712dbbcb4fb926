import { randomBytes } from 'node:crypto';
import { hmacSha256 } from '../crypto/digest.js';
import type { PrincipalKind } from '../storage/principal-store.js';

/**
 * Proofs (PBKDF2 outputs, see crypto/pbkdf2.ts) this process derived for secrets that the
 * database then accepted, so the next request with the same secret skips the derivation.
 * Entries are keyed by an HMAC of the presented secret under a per-process key: the secret
 * itself is never kept, and failures are never remembered. A remembered proof is checked by
 * the database on every use like any other, so a rotated, disabled or deleted principal
 * stops working at once; the caller then forgets the entry (principal-call.ts).
 */
export class ProofCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { proof: string; expiry: number }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  get(kind: PrincipalKind, id: string, secret: string): string | undefined {
    const entry = this.entries.get(this.cacheKey(kind, id, secret));
    return entry && entry.expiry > Date.now() ? entry.proof : undefined;
  }

  /** Entries are not extended by use: each lives ttlMs from its derivation. */
  remember(kind: PrincipalKind, id: string, secret: string, proof: string): void {
    const key = this.cacheKey(kind, id, secret);
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { proof, expiry: Date.now() + this.ttlMs });
  }

  forget(kind: PrincipalKind, id: string, secret: string): void {
    this.entries.delete(this.cacheKey(kind, id, secret));
  }

  /** The identity of a presented secret, for single-flight derivations. */
  cacheKey(kind: PrincipalKind, id: string, secret: string): string {
    return hmacSha256(this.key, `${kind}\0${id}\0${secret}`);
  }
}
