import type { SqlExecutor } from '../../storage/driver.js';

export type PrincipalKind = 'agent' | 'client';

/** What an owner needs to tell whether an agent or website can sign in, and what it tried. */
export interface SignInState {
  /** Locked for every source but those it signed in from recently (an attack on the identity). */
  identityLockedUntil: Date | null;
  /** Locked for some sources (addresses or devices that failed too often). */
  sourceLockedUntil: Date | null;
  lockedSources: number;
  /** Wrong secrets in the last 24 hours. */
  recentFailures: number;
  lastSignIn: Date | null;
}

/**
 * The lock state comes from app_lock_state (the lockouts are the database's own); the
 * failures and the last sign-in from the security log, which row-level security shows the
 * owner. Runs inside the owner's session transaction.
 */
export async function signInState(
  tx: SqlExecutor,
  kind: PrincipalKind,
  publicId: string,
): Promise<SignInState> {
  const [lock] = await tx.query<{
    identity_locked_until: Date | null;
    source_locked_until: Date | null;
    locked_sources: number | null;
  }>('SELECT * FROM app_lock_state($1, $2)', [kind, publicId]);
  const [log] = await tx.query<{ failures: number; last_success: Date | null }>(
    `SELECT count(*) FILTER (WHERE outcome = 'failure' AND occurred_at > now() - interval '24 hours')::int AS failures,
            max(occurred_at) FILTER (WHERE outcome = 'success') AS last_success
     FROM security_events WHERE target_id = $1 AND event = $2`,
    [publicId, `${kind}.authentication`],
  );
  return {
    identityLockedUntil: lock?.identity_locked_until ?? null,
    sourceLockedUntil: lock?.source_locked_until ?? null,
    lockedSources: lock?.locked_sources ?? 0,
    recentFailures: log?.failures ?? 0,
    lastSignIn: log?.last_success ?? null,
  };
}
