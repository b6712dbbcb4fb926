import type { BeginResult, ProofArgs, Refused } from '../auth/principal-call.js';
import type { PrincipalKind } from '../auth/proof-cache.js';
import type { SqlExecutor } from './driver.js';

/** How lockout counts (migrations/functions/03-lockout.sql, `p_policy`). */
export interface LockoutPolicy {
  maxFailures: number;
  windowSeconds: number;
  baseSeconds: number;
  maxSeconds: number;
  identityMaxFailures: number;
  trustedSourceSeconds: number;
}

export interface OutcomeColumns {
  outcome: string;
  retry_after: number | null;
}

export interface BeginColumns extends OutcomeColumns {
  hash_params: string | null;
  known: boolean | null;
}

/** auth_begin's answer: proceed with the hash parameters, or end with locked / busy. */
export function beginResult(row: BeginColumns | undefined): BeginResult<Refused> {
  if (!row) throw new Error('auth_begin returned no row');
  if (row.outcome === 'ok')
    return { proceed: true, hashParams: row.hash_params, known: row.known ?? false };
  const outcome = row.outcome === 'locked' ? 'principal_locked' : 'principal_busy';
  return { proceed: false, result: { outcome, retryAfter: row.retry_after ?? 1 } };
}

/**
 * The part of every authenticated database call that is about the principal: reserving an
 * attempt before a secret is derived, and the leading (id, proof, fresh, source, policy)
 * arguments each operation takes (migrations/functions/02-principals.sql).
 */
export class PrincipalStore {
  readonly policy: number[];

  constructor(
    private readonly db: SqlExecutor,
    policy: LockoutPolicy,
  ) {
    this.policy = [
      policy.maxFailures,
      policy.windowSeconds,
      policy.baseSeconds,
      policy.maxSeconds,
      policy.identityMaxFailures,
      policy.trustedSourceSeconds,
    ];
  }

  params(args: ProofArgs): unknown[] {
    return [args.id, args.proof, args.fresh, args.source, this.policy];
  }

  async begin(kind: PrincipalKind, id: string, source: string): Promise<BeginResult<Refused>> {
    const [row] = await this.db.query<BeginColumns>('SELECT * FROM auth_begin($1, $2, $3, $4)', [
      kind,
      id,
      source,
      this.policy,
    ]);
    return beginResult(row);
  }
}
