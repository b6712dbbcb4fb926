import { sha256 } from '../../crypto/digest.js';
import { randomToken } from '../../crypto/random.js';
import type { SqlDriver } from '../../storage/driver.js';
import { inSession } from '../../storage/owner-store.js';
import type { ConsoleDeps } from '../deps.js';
import { ConsoleError } from '../http/console-error.js';
import type { ConsoleSession } from '../session/sessions.js';

const LINK_TTL_SECONDS = 24 * 60 * 60;
/** Verification mails one owner may trigger per hour: the console must not be a mail cannon. */
const MAILS_PER_HOUR = 10;

/**
 * Sends a one-time link to `email` proving the owner controls it. Only the token's hash is
 * stored; the link opens a confirmation page (a POST spends it), so mail scanners that
 * prefetch links cannot verify an address on someone's behalf.
 */
export async function sendVerificationMail(
  deps: ConsoleDeps,
  owner: Pick<ConsoleSession, 'id' | 'userId' | 'email'>,
  email: string,
): Promise<void> {
  const token = randomToken(32);
  await storeVerification(deps.ctx.db, owner, email, token);
  const link = `${deps.ctx.config.issuer}/console/verify-email?token=${token}`;
  const forAccount = email.toLowerCase() === owner.email.toLowerCase();
  const text = forAccount
    ? `Confirm the email address of your Auth Agent account:\n\n${link}\n\nThe link works once, for 24 hours. If you did not sign up, ignore this mail.`
    : `The Auth Agent account ${owner.email} wants to tell websites that its agents act for ${email}.\n\nOnly if that account is yours, confirm here:\n\n${link}\n\nThe link works once, for 24 hours. Otherwise ignore this mail.`;
  try {
    await deps.mailer.send({ to: email, subject: 'Confirm your email address — Auth Agent', text });
  } catch (error) {
    // A mail outage must not fail sign-up; the owner can ask for the link again.
    deps.ctx.logger.error(
      { event: 'mail.failed', to: email, reason: (error as Error).message },
      'verification mail could not be sent',
    );
  }
}

async function storeVerification(
  db: SqlDriver,
  owner: Pick<ConsoleSession, 'id' | 'userId'>,
  email: string,
  token: string,
) {
  const { userId } = owner;
  await inSession(db, owner.id, async (tx) => {
    const [recent] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM email_verifications
       WHERE user_id = $1 AND created_at > now() - interval '1 hour'`,
      [userId],
    );
    if ((recent?.n ?? 0) >= MAILS_PER_HOUR)
      throw new ConsoleError(
        429,
        'Too many confirmation mails',
        'You asked for many confirmation links in the last hour. Use one you already received, or try again later.',
      );
    await tx.query(
      `INSERT INTO email_verifications (token_hash, user_id, email, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [sha256(token), userId, email, LINK_TTL_SECONDS],
    );
  });
}

/** The notice after a link was asked for: sent, or (no SMTP_URL) only written to the log. */
export function verificationNotice(deps: ConsoleDeps): 'verification-sent' | 'verification-logged' {
  return deps.mailer.kind === 'smtp' ? 'verification-sent' : 'verification-logged';
}

/** Spends a verification link; returns the address it verified, or undefined. */
export async function confirmEmail(db: SqlDriver, token: string): Promise<string | undefined> {
  const [row] = await db.query<{ email: string }>('SELECT * FROM app_confirm_email($1)', [
    sha256(token),
  ]);
  return row?.email;
}
