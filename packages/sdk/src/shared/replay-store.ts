/**
 * Remembers DPoP proof identifiers so a captured proof cannot be sent again (RFC 9449
 * §11.1). oauth4webapi checks a proof's signature, `htm`, `htu`, `ath` and `iat` window but
 * leaves `jti` uniqueness to the caller. Use a shared store (Redis `SET NX EX`, a database
 * table) when several processes serve the same resource.
 */
export interface DPoPReplayStore {
  /**
   * Records `id` until `expiresAt` and says whether it was new.
   *
   * @param id - the proof's key thumbprint and `jti`
   * @param expiresAt - seconds since the epoch after which the proof is refused anyway
   * @returns true the first time, false when `id` was already recorded and has not expired
   */
  markUsed(id: string, expiresAt: number): boolean | Promise<boolean>;
}

/** Options for {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most identifiers kept; the oldest is forgotten beyond it. Default 100 000. */
  maxEntries?: number;
}

/**
 * The default {@link DPoPReplayStore}: one process's memory, bounded. Expired entries are
 * dropped first; when the store is still full the oldest entry is forgotten, which trades
 * replay protection for that old proof against unbounded memory. Size `maxEntries` above
 * the number of DPoP requests the resource serves in the proof window (five minutes).
 */
export class MemoryReplayStore implements DPoPReplayStore {
  readonly #maxEntries: number;
  // Insertion order is expiry order closely enough (proofs are fresh), so the first
  // entries are the ones to drop.
  readonly #expiries = new Map<string, number>();

  /** @param options - the size bound */
  constructor(options: MemoryReplayStoreOptions = {}) {
    this.#maxEntries = Math.max(1, options.maxEntries ?? 100_000);
  }

  /** {@inheritDoc DPoPReplayStore.markUsed} */
  markUsed(id: string, expiresAt: number): boolean {
    const now = Date.now() / 1000;
    const known = this.#expiries.get(id);
    if (known !== undefined && known > now) return false;
    this.#expiries.delete(id);
    this.#dropExpired(now);
    if (this.#expiries.size >= this.#maxEntries) {
      const oldest = this.#expiries.keys().next().value;
      if (oldest !== undefined) this.#expiries.delete(oldest);
    }
    this.#expiries.set(id, expiresAt);
    return true;
  }

  /** How many identifiers are remembered (for monitoring and tests). */
  get size(): number {
    return this.#expiries.size;
  }

  #dropExpired(now: number): void {
    for (const [id, expiry] of this.#expiries) {
      if (expiry > now) return;
      this.#expiries.delete(id);
    }
  }
}
