import type { IssuedReset } from '../../accounts/password-reset.js';
import { RESET_LINK_TTL_SECONDS } from '../../accounts/password-reset.js';
import type { ConsoleDeps } from '../deps.js';

/**
 * Mails the reset link. Not awaited by the page: the answer must take as long, and read
 * the same, whether or not an account has the address (no account enumeration). A failure
 * is logged without the link.
 */
export function sendPasswordResetMail(deps: ConsoleDeps, reset: IssuedReset): void {
  const link = new URL('/console/reset-password', deps.ctx.config.issuer);
  link.searchParams.set('token', reset.token);
  const minutes = RESET_LINK_TTL_SECONDS / 60;
  const text = `Someone asked to reset the password of the Auth Agent account ${reset.email}.\n\nTo choose a new password, open:\n\n${link.href}\n\nThe link works once, for ${minutes} minutes. If you did not ask, ignore this mail: your password stays as it is.`;
  deps.mailer
    .send({ to: reset.email, subject: 'Reset your password — Auth Agent', text })
    .catch((error: unknown) =>
      deps.ctx.logger.error(
        { event: 'mail.failed', to: reset.email, reason: (error as Error).message },
        'password reset mail could not be sent',
      ),
    );
}

/** Whether this server can deliver mail at all (SMTP_URL set), as the pages must say. */
export function canSendMail(deps: ConsoleDeps): boolean {
  return deps.mailer.kind === 'smtp';
}
