import type { Config } from '../config/load.js';
import { sha256 } from '../crypto/digest.js';
import type { SqlExecutor } from '../storage/driver.js';

export type LockoutSubject = 'agent' | 'client' | 'user';

/** A lockout row: whether it locks now, and for how many more seconds. */
export interface LockoutState {
  locked: boolean;
  retryAfter: number;
}

export type SecretCheck =
  | { outcome: 'ok' }
  | { outcome: 'failed'; lockedNow: boolean; retryAfter: number | undefined }
  | { outcome: 'locked'; retryAfter: number };

/**
 * Lockout after repeated wrong secrets, per agent, client or console account, stored in the
 * database so every instance sees it. The key is a hash of the identifier as presented, so
 * an id that does not exist is counted and locked exactly like one that does: the answers
 * reveal nothing about which ids exist. A locked subject is refused before its secret is
 * checked, so a correct secret does not get through either.
 */
export class Lockout {
  constructor(
    private readonly db: SqlExecutor,
    private readonly settings: Config['lockout'],
  ) {}

  static key(subject: LockoutSubject, id: string): string {
    return sha256(`${subject}:${subject === 'user' ? id.toLowerCase() : id}`);
  }

  /**
   * `known` is the lockout state when the caller fetched it together with the principal
   * (oauth_client_auth, oauth_agent_auth: one round trip); null means no row.
   */
  async check(
    subject: LockoutSubject,
    id: string,
    verify: () => Promise<boolean>,
    known?: LockoutState | null,
  ): Promise<SecretCheck> {
    const key = Lockout.key(subject, id);
    const state = known !== undefined ? known : await this.state(subject, key);
    if (state?.locked) return { outcome: 'locked', retryAfter: Math.max(1, state.retryAfter) };
    if (await verify()) {
      if (state) await this.db.query('SELECT security_lockout_succeed($1, $2)', [subject, key]);
      return { outcome: 'ok' };
    }
    const { maxFailures, windowSeconds, baseSeconds, maxSeconds } = this.settings;
    const [failed] = await this.db.query<{ locked_until_at: Date | null }>(
      'SELECT * FROM security_lockout_fail($1, $2, $3, $4, $5, $6)',
      [subject, key, maxFailures, windowSeconds, baseSeconds, maxSeconds],
    );
    const lockedUntil = failed?.locked_until_at;
    return lockedUntil
      ? {
          outcome: 'failed',
          lockedNow: true,
          retryAfter: Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000)),
        }
      : { outcome: 'failed', lockedNow: false, retryAfter: undefined };
  }

  private async state(subject: LockoutSubject, key: string): Promise<LockoutState | null> {
    const [row] = await this.db.query<{
      locked: boolean;
      retry_after: number;
      failure_count: number;
    }>('SELECT * FROM security_lockout_state($1, $2)', [subject, key]);
    return row ? { locked: row.locked, retryAfter: row.retry_after } : null;
  }

  /** Clears failures and any lock; true if the subject was locked. */
  async unlock(subject: LockoutSubject, id: string): Promise<boolean> {
    const [row] = await this.db.query<{ was_locked: boolean }>(
      'SELECT security_lockout_clear($1, $2) AS was_locked',
      [subject, Lockout.key(subject, id)],
    );
    return row?.was_locked ?? false;
  }
}
