import { randomBytes } from 'node:crypto';
import { hmacSha256 } from './digest.js';
import { decoyHash, verifySecret } from './pbkdf2.js';

/**
 * Verifies agent and client secrets against their PBKDF2 hashes, remembering successes
 * briefly. The cache key is an HMAC of the presented secret under a per-process key, bound
 * to the row's secret_version, so rotating, disabling or deleting (each bumps or removes
 * the row) makes old entries unreachable at once. Failures are never cached.
 */
export class SecretVerifier {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, number>();

  constructor(
    private readonly iterations: number,
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  async verify(
    kind: 'agent' | 'client',
    id: string,
    version: number,
    secret: string,
    storedHash: string,
  ): Promise<boolean> {
    const cacheKey = hmacSha256(this.key, `${kind}\0${id}\0${version}\0${storedHash}\0${secret}`);
    const expiry = this.verified.get(cacheKey);
    if (expiry !== undefined && expiry > Date.now()) return true;
    const ok = await verifySecret(secret, storedHash);
    if (ok) this.remember(cacheKey);
    return ok;
  }

  /** Spends the same time as a real verification, for ids that do not exist. */
  async decoy(secret: string): Promise<false> {
    await verifySecret(secret, await decoyHash(this.iterations));
    return false;
  }

  private remember(cacheKey: string): void {
    if (this.verified.size >= this.maxEntries) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(cacheKey, Date.now() + this.ttlMs);
  }
}
