import { sha256 } from '../../src/crypto/digest.js';
import { randomToken } from '../../src/crypto/random.js';
import type { SqlDriver, SqlExecutor } from '../../src/storage/driver.js';
import { inSession } from '../../src/storage/owner-store.js';

/**
 * A console session for `userId`, stored directly on the privileged connection: its raw id,
 * as the cookie would carry it. Row-level security trusts only such a session
 * (migrations/functions/01-rls.sql), so tests act for a user through one.
 */
export async function sessionFor(
  db: SqlDriver,
  userId: string,
): Promise<{ id: string; userId: string }> {
  const id = randomToken(32);
  await db.privileged((tx) =>
    tx.query(
      `INSERT INTO console_sessions (id_hash, user_id, expires_at)
       VALUES ($1, $2, now() + interval '1 hour')`,
      [sha256(id), userId],
    ),
  );
  return { id, userId };
}

/** Runs `work` in one transaction as the console would for `userId` (a session of theirs). */
export async function asUser<T>(
  db: SqlDriver,
  userId: string,
  work: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  const session = await sessionFor(db, userId);
  return inSession(db, session.id, work);
}
