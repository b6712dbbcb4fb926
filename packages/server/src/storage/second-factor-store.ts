import type { SqlExecutor } from './driver.js';
import type { OutcomeColumns, PrincipalStore, ProofArgs } from './principal-store.js';

export interface TotpRow {
  sealed_secret: string;
  confirmed: boolean;
  recovery_left: number;
}

export interface PendingLogin {
  user_id: string;
  email: string;
  sealed_secret: string;
}

export interface SecondFactorResult {
  outcome: 'ok' | 'locked' | 'busy' | 'code_invalid' | 'expired';
  retry_after: number;
  user_id: string | null;
  role: 'user' | 'admin' | null;
  by_recovery: boolean;
}

/**
 * The console's second factor in the database (functions/15-accounts.sql). Enrolment and
 * turning it off act for the signed-in user (`tx` in their session); the log-in's second
 * step runs before a session exists and names the pending log-in by its hash.
 */
export class SecondFactorStore {
  constructor(
    private readonly db: SqlExecutor,
    private readonly principals: PrincipalStore,
  ) {}

  async status(tx: SqlExecutor): Promise<TotpRow | undefined> {
    const [row] = await tx.query<TotpRow>('SELECT * FROM app_totp_status()');
    return row;
  }

  async begin(tx: SqlExecutor, sealedSecret: string): Promise<boolean> {
    const [row] = await tx.query<{ ok: boolean }>('SELECT app_totp_begin($1) AS ok', [
      sealedSecret,
    ]);
    return row?.ok === true;
  }

  async confirm(tx: SqlExecutor, step: number, recoveryHashes: string[]): Promise<boolean> {
    const [row] = await tx.query<{ ok: boolean }>('SELECT app_totp_confirm($1, $2) AS ok', [
      step,
      recoveryHashes,
    ]);
    return row?.ok === true;
  }

  /** Needs the password's proof (checked in the call) and a fresh code's step. */
  async disable(tx: SqlExecutor, user: ProofArgs, step: number | null) {
    const [row] = await tx.query<OutcomeColumns>(
      'SELECT * FROM app_totp_disable($1, $2, $3, $4, $5)',
      [user.id, user.proof, user.source, this.principals.policy, step],
    );
    return { outcome: row?.outcome ?? 'principal_invalid', retryAfter: row?.retry_after ?? 0 };
  }

  async pending(challengeHash: string): Promise<PendingLogin | undefined> {
    const [row] = await this.db.query<PendingLogin>('SELECT * FROM app_second_factor_pending($1)', [
      challengeHash,
    ]);
    return row;
  }

  async complete(input: {
    challengeHash: string;
    step: number | null;
    recoveryHash: string | null;
    source: string;
    sessionHash: string;
    lifetimeSeconds: number;
  }): Promise<SecondFactorResult> {
    const [row] = await this.db.query<SecondFactorResult>(
      'SELECT * FROM app_second_factor_complete($1, $2, $3, $4, $5, $6, $7)',
      [
        input.challengeHash,
        input.step,
        input.recoveryHash,
        input.source,
        this.principals.policy,
        input.sessionHash,
        input.lifetimeSeconds,
      ],
    );
    if (!row) throw new Error('app_second_factor_complete returned no row');
    return row;
  }
}
