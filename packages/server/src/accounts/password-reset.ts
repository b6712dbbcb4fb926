import { sha256 } from '../crypto/digest.js';
import { randomToken } from '../crypto/random.js';
import type { SqlExecutor } from '../storage/driver.js';

/** How long a reset link works: long enough to open a mail, short enough to go stale. */
export const RESET_LINK_TTL_SECONDS = 30 * 60;

/** A link's token: 256 random bits, base64url (the only form the reset pages accept). */
export const RESET_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedReset {
  token: string;
  userId: string;
  email: string;
}

/**
 * A one-time reset token for an enabled account, or undefined (no such account, or three
 * links in the last hour: functions/15-accounts.sql). Only the token's SHA-256 is stored.
 */
export async function issuePasswordReset(
  db: SqlExecutor,
  email: string,
): Promise<IssuedReset | undefined> {
  const token = randomToken(32);
  const [row] = await db.query<{ user_id: string; email: string }>(
    'SELECT * FROM app_request_password_reset($1, $2, $3)',
    [email, sha256(token), RESET_LINK_TTL_SECONDS],
  );
  return row && { token, userId: row.user_id, email: row.email };
}

/** The account a live reset token belongs to, or undefined. */
export async function resetTokenEmail(db: SqlExecutor, token: string): Promise<string | undefined> {
  const [row] = await db.query<{ email: string | null }>(
    'SELECT app_password_reset_email($1) AS email',
    [sha256(token)],
  );
  return row?.email ?? undefined;
}

/**
 * Spends the token: the new password, every console session of the account ended, its
 * lockouts cleared. The account's id, or undefined when the token is dead.
 */
export async function resetPassword(
  db: SqlExecutor,
  token: string,
  newHash: string,
): Promise<string | undefined> {
  const [row] = await db.query<{ user_id: string | null }>(
    'SELECT app_reset_password($1, $2) AS user_id',
    [sha256(token), newHash],
  );
  return row?.user_id ?? undefined;
}
