import { pbkdf2QueueFull } from '../crypto/pbkdf2.js';

/** A derivation let in; release() exactly once when it is over. */
export interface Admission {
  /** Counts this derivation as a decoy; false (and nothing counted) when decoys are full. */
  claimDecoy(): boolean;
  release(): void;
}

/**
 * Bounds password-hashing work before any of it is queued (docs/security.md, "Password
 * hashing under load"), answered at once with 503 and Retry-After when there is no room:
 * - per source (auth/source.ts: an address, or an IPv6 /64), PBKDF2_PER_SOURCE running or
 *   waiting; an honest caller rarely derives at all (remembered proofs), and identical
 *   concurrent attempts share one derivation (principal-call.ts);
 * - for identifiers that do not exist (decoys, so an unknown id takes as long as a wrong
 *   secret), PBKDF2_DECOYS from every source together, a quarter of what the PBKDF2 queue
 *   holds by default, so a flood of made-up ids leaves the rest to real principals;
 * - overall, the PBKDF2 queue's own bound (crypto/pbkdf2.ts).
 */
export class DerivationBudget {
  private readonly perSource = new Map<string, number>();
  private decoys = 0;

  constructor(
    private readonly perSourceLimit: number,
    private readonly decoyLimit: number,
  ) {}

  /** A place for one derivation from `source`, or undefined when there is none. */
  admit(source: string): Admission | undefined {
    const inProgress = this.perSource.get(source) ?? 0;
    if (inProgress >= this.perSourceLimit || pbkdf2QueueFull()) return undefined;
    this.perSource.set(source, inProgress + 1);
    let decoy = false;
    let released = false;
    return {
      claimDecoy: () => {
        if (this.decoys >= this.decoyLimit) return false;
        this.decoys++;
        decoy = true;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        if (decoy) this.decoys--;
        const left = (this.perSource.get(source) ?? 1) - 1;
        if (left > 0) this.perSource.set(source, left);
        else this.perSource.delete(source);
      },
    };
  }
}
