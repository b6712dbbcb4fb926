import type { LockoutPolicy } from '../config/load.js';
import type { SqlExecutor } from './driver.js';

/**
 * Who authenticates: an agent, a website or other OAuth client, an API (resource server,
 * for introspection only), or a console user.
 */
export type PrincipalKind = 'agent' | 'client' | 'api' | 'user';

/** What an authenticated operation sends the database in place of a secret. */
export interface ProofArgs {
  id: string;
  /**
   * The PBKDF2 output of the presented secret; for a verified private_key_jwt assertion,
   * 'private_key_jwt:<jti hash>:<expiry>' (auth/client-assertion.ts); null when nothing was
   * presented (a public client).
   */
  proof: string | null;
  /** Derived for this request after an attempt was reserved; false: remembered. */
  fresh: boolean;
  source: string;
}

/** The outcomes of the principal check every authenticated operation starts with. */
export type PrincipalOutcome =
  | 'principal_retry'
  | 'principal_invalid'
  /** A wrong secret that locked the identity for every source but its trusted ones. */
  | 'principal_under_attack'
  | 'principal_locked'
  | 'principal_busy'
  | 'principal_disabled'
  /** A private_key_jwt assertion whose jti was used before (RFC 7523 §3 item 7). */
  | 'principal_replayed';

export interface OperationResult {
  outcome: string;
  /** Seconds until a lock ends (locked, or a failure that just locked); else 0. */
  retryAfter: number;
}

/** An attempt the database would not reserve (auth_begin): the source is locked or busy. */
export interface Refused {
  outcome: 'principal_locked' | 'principal_busy';
  retryAfter: number;
}

/**
 * The database's answer before a secret is derived (auth_begin): either the stored hash's
 * parameters (null: unknown id, derive against a decoy), or a result that ends the call
 * (locked, busy, or an operation-specific refusal such as an expired sign-in request).
 */
export type BeginResult<R> =
  | { proceed: true; hashParams: string | null; known: boolean }
  | { proceed: false; result: R };

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
