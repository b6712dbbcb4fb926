import { sha256 } from '../../crypto/digest.js';
import { randomToken } from '../../crypto/random.js';
import type { SqlDriver, SqlExecutor } from '../../storage/driver.js';

export interface ConsoleSession {
  /** The raw id from the cookie; needed for the CSRF token, never stored or logged. */
  id: string;
  userId: string;
  email: string;
  role: 'user' | 'admin';
  emailVerified: boolean;
}

/**
 * A new session for the signed-in user, inside a transaction acting for their current one
 * (owner-store.ts inSession; the policy lets a session add sessions only for its own user).
 * The id is always new (no session fixation) and only its SHA-256 is stored. Log-in,
 * sign-up and first-run setup get their first session from the database call that checks
 * the password or creates the account (app_user_login, app_register_user, app_complete_setup).
 */
export async function startAnotherSession(
  tx: SqlExecutor,
  userId: string,
  lifetimeSeconds: number,
): Promise<string> {
  const id = randomToken(32);
  await tx.query(
    `INSERT INTO console_sessions (id_hash, user_id, expires_at)
     VALUES ($1, $2, now() + make_interval(secs => $3))`,
    [sha256(id), userId, lifetimeSeconds],
  );
  return id;
}

/** The live session behind a cookie value, or undefined (unknown, idle, expired, disabled). */
export async function findSession(
  db: SqlDriver,
  id: string,
  idleSeconds: number,
): Promise<ConsoleSession | undefined> {
  const [row] = await db.query<{
    user_id: string;
    email: string;
    role: 'user' | 'admin';
    email_verified: boolean;
  }>('SELECT * FROM app_console_session($1, $2)', [sha256(id), idleSeconds]);
  return (
    row && {
      id,
      userId: row.user_id,
      email: row.email,
      role: row.role,
      emailVerified: row.email_verified,
    }
  );
}

export async function endSession(tx: SqlExecutor, id: string): Promise<void> {
  await tx.query('DELETE FROM console_sessions WHERE id_hash = $1', [sha256(id)]);
}

/** Ends every session of the user except `keepId` (after a password change). */
export async function endOtherSessions(
  tx: SqlExecutor,
  userId: string,
  keepId: string | undefined,
): Promise<void> {
  await tx.query('DELETE FROM console_sessions WHERE user_id = $1 AND id_hash <> $2', [
    userId,
    keepId ? sha256(keepId) : '',
  ]);
}
