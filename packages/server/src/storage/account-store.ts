import type { SqlExecutor } from './driver.js';
import type { Outcome } from './oauth-records.js';
import type { OutcomeColumns, PrincipalStore, ProofArgs } from './principal-store.js';

export type LoginResult =
  | (Outcome<'ok'> & {
      outcome: 'ok';
      userId: string;
      role: 'user' | 'admin';
      iterations: number;
      /** The password held; the session waits for the second factor (no session yet). */
      secondFactor: boolean;
    })
  | Outcome<never>;

/**
 * Console accounts authenticate like agents and clients (principal-store.ts): the password's
 * proof is checked by the database, in the call that acts on it.
 */
export class AccountStore {
  constructor(
    private readonly db: SqlExecutor,
    private readonly principals: PrincipalStore,
  ) {}

  /**
   * Checks the password and, if it holds, stores a session with this id hash, or for a user
   * with a second factor a pending log-in under it (functions/15-accounts.sql).
   */
  async login(
    user: ProofArgs,
    session: { idHash: string; lifetimeSeconds: number },
  ): Promise<LoginResult> {
    const [row] = await this.db.query<
      OutcomeColumns & {
        user_id: string | null;
        role: 'user' | 'admin' | null;
        iterations: number | null;
        second_factor: boolean | null;
      }
    >('SELECT * FROM app_user_login($1, $2, $3, $4, $5, $6)', [
      user.id,
      user.proof,
      user.source,
      this.principals.policy,
      session.idHash,
      session.lifetimeSeconds,
    ]);
    if (!row) throw new Error('app_user_login returned no row');
    if (row.outcome !== 'ok')
      return {
        outcome: row.outcome as LoginResult['outcome'],
        retryAfter: row.retry_after ?? 0,
      } as LoginResult;
    return {
      outcome: 'ok',
      retryAfter: 0,
      userId: row.user_id ?? '',
      role: row.role ?? 'user',
      iterations: row.iterations ?? 0,
      secondFactor: row.second_factor === true,
    };
  }

  /** A new password hash, allowed by the proof of the current password. */
  async changePassword(user: ProofArgs, newHash: string): Promise<Outcome<'ok'>> {
    const [row] = await this.db.query<OutcomeColumns>(
      'SELECT * FROM app_change_password($1, $2, $3, $4, $5)',
      [user.id, user.proof, user.source, this.principals.policy, newHash],
    );
    return {
      outcome: (row?.outcome ?? 'principal_invalid') as Outcome<'ok'>['outcome'],
      retryAfter: row?.retry_after ?? 0,
    };
  }
}
