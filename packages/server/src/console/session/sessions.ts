import { sha256 } from '../../crypto/digest.js';
import { randomToken } from '../../crypto/random.js';
import type { SqlDriver, SqlExecutor } from '../../storage/driver.js';
import { asUser } from '../../storage/owner-store.js';

export interface ConsoleSession {
  /** The raw id from the cookie; needed for the CSRF token, never stored or logged. */
  id: string;
  userId: string;
  email: string;
  role: 'user' | 'admin';
  emailVerified: boolean;
}

/**
 * Starts a session for a user who just proved who they are. The id is always new (no
 * session fixation) and only its SHA-256 is stored.
 */
export async function createSession(
  db: SqlDriver,
  userId: string,
  lifetimeSeconds: number,
): Promise<string> {
  const id = randomToken(32);
  await asUser(db, userId, async (tx) => {
    // Housekeeping: the user's sessions that outlived their absolute lifetime.
    await tx.query('DELETE FROM console_sessions WHERE user_id = $1 AND expires_at <= now()', [
      userId,
    ]);
    await tx.query(
      `INSERT INTO console_sessions (id_hash, user_id, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))`,
      [sha256(id), userId, lifetimeSeconds],
    );
  });
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
