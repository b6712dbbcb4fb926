import { decoyParams, deriveProof } from '../crypto/pbkdf2.js';
import { QueueFull } from '../crypto/semaphore.js';
import { markAuthenticated, type RequestOrigin } from '../request-info.js';
import type {
  BeginResult,
  OperationResult,
  PrincipalKind,
  ProofArgs,
  Refused,
} from '../storage/principal-store.js';
import type { DerivationBudget } from './derivation-budget.js';
import type { ProofCache } from './proof-cache.js';

/** The answer when the derivation budget has no room: 503 with Retry-After (endpoints). */
const OVERLOADED: { proceed: false; result: Refused } = {
  proceed: false,
  result: { outcome: 'principal_busy', retryAfter: 1 },
};

/** A principal as a request presents it; `secret` undefined: none was sent (public client). */
export interface PresentedPrincipal {
  kind: PrincipalKind;
  id: string;
  secret: string | undefined;
  /** Where the attempt comes from, for lockout (auth/source.ts). */
  source: string;
  /** The request it is presented in: marked authenticated once the database accepts it. */
  request: RequestOrigin;
}

/**
 * Runs an authenticated operation as a presented principal: the one place that decides how
 * a secret becomes a proof. A remembered proof is tried first, in the operation's own single
 * database call; if the database answers principal_retry (the secret changed, or the source
 * is locked), the proof is forgotten and the call is made once more with a fresh proof:
 * reserve an attempt, derive, then the operation. Identical concurrent fresh derivations
 * share one (so an honest burst reserves one attempt, not many). A fresh derivation needs a
 * place in the derivation budget first (derivation-budget.ts), taken before the database
 * counts the attempt; without one the call ends at once as principal_busy. A remembered
 * proof needs no derivation, so no flood of wrong secrets can make it wait.
 */
export class PrincipalCalls {
  private readonly inFlight = new Map<string, Promise<BeginResult<never> | string>>();

  constructor(
    private readonly proofs: ProofCache,
    private readonly iterations: number,
    private readonly budget: DerivationBudget,
  ) {}

  async call<R extends OperationResult>(
    presented: PresentedPrincipal,
    begin: () => Promise<BeginResult<R | Refused>>,
    operation: (args: ProofArgs) => Promise<R>,
    options: { remember: boolean } = { remember: true },
  ): Promise<R | Refused> {
    const run = async (args: ProofArgs) => {
      const result = await operation(args);
      // The database accepted the principal: for the rate limits this request is no
      // failure, whatever the operation then answered (http/rate-limit.ts).
      if (!result.outcome.startsWith('principal_')) markAuthenticated(presented.request);
      return result;
    };
    const { kind, id, secret, source } = presented;
    if (secret === undefined) return run({ id, proof: null, fresh: false, source });
    const remembered = options.remember ? this.proofs.get(kind, id, secret) : undefined;
    if (remembered !== undefined) {
      const result = await run({ id, proof: remembered, fresh: false, source });
      if (result.outcome !== 'principal_retry') return result;
      this.proofs.forget(kind, id, secret);
    }
    const derived = await this.derive(presented, secret, begin);
    if (typeof derived !== 'string') return derived.result;
    const result = await run({ id, proof: derived, fresh: true, source });
    if (options.remember && !result.outcome.startsWith('principal_'))
      this.proofs.remember(kind, id, secret, derived);
    return result;
  }

  private async derive<R>(
    presented: PresentedPrincipal,
    secret: string,
    begin: () => Promise<BeginResult<R>>,
  ): Promise<{ proceed: false; result: R | Refused } | string> {
    const key = `${this.proofs.cacheKey(presented.kind, presented.id, secret)}\0${presented.source}`;
    let pending = this.inFlight.get(key) as Promise<BeginResult<R | Refused> | string> | undefined;
    if (!pending) {
      pending = this.reserveAndDerive(secret, presented.source, begin);
      this.inFlight.set(key, pending as Promise<BeginResult<never> | string>);
      void pending.finally(() => this.inFlight.delete(key)).catch(() => {});
    }
    const derived = await pending;
    if (typeof derived === 'string') return derived;
    return derived as { proceed: false; result: R | Refused };
  }

  private async reserveAndDerive<R>(
    secret: string,
    source: string,
    begin: () => Promise<BeginResult<R>>,
  ): Promise<BeginResult<R | Refused> | string> {
    const admission = this.budget.admit(source);
    if (!admission) return OVERLOADED;
    try {
      const begun = await begin();
      if (!begun.proceed) return begun;
      if (!begun.known && !admission.claimDecoy()) return OVERLOADED;
      const params = begun.hashParams ?? decoyParams(this.iterations);
      return await deriveProof(secret, params, this.iterations);
    } catch (error) {
      // The queue filled between the admission and now (console hashing shares it).
      if (error instanceof QueueFull) return OVERLOADED;
      throw error;
    } finally {
      admission.release();
    }
  }
}
