import type { Context } from 'hono';

/** The fixed messages a redirect may ask a page to show (`?done=key`). */
const NOTICES: Record<string, string> = {
  renamed: 'Saved.',
  saved: 'Saved.',
  disabled: 'Disabled. It can no longer sign in, and its tokens stopped working.',
  enabled: 'Enabled again.',
  deleted: 'Deleted, and every token it had was revoked.',
  'api-deleted': 'API deleted. Tokens can no longer be issued for its identifier.',
  revoked: 'Revoked. That website can no longer use its tokens.',
  'revoked-all': 'Revoked every sign-in.',
  'verification-sent': 'We sent a confirmation link to that address. It works once, for 24 hours.',
  'verification-logged':
    'This server cannot send mail (SMTP_URL is not set), so no mail was sent: the confirmation link was written to the server log, where its operator can find it.',
  'password-reset':
    'Your password was changed and every session of your account was logged out. Log in with the new password.',
  'password-changed': 'Password changed. Your other sessions were logged out.',
  'email-verified': 'Email address confirmed.',
  'logged-out': 'You are logged out.',
  'login-expired':
    'That log-in took too long or was already used. Enter your email and password again.',
  'second-factor-off': 'Two-step log-in is off. Your password alone logs you in.',
  'tokens-revoked': 'All tokens of all agents and websites were revoked.',
  'key-rotated':
    'The next signing key is published. It starts signing once verifiers have had time to fetch it.',
  'key-rotated-emergency':
    'A new signing key signs now. Every other key is withdrawn and every token revoked: agents must sign in again.',
  claimed: 'Claimed. The client is now one of your websites.',
  'role-changed': 'Role changed.',
  'user-deleted': 'Account deleted, with its agents and websites.',
  unlocked: 'Unlocked. It can sign in again from everywhere.',
  'not-locked': 'That was not locked.',
  'not-yours': 'Nothing of yours has that id or email.',
  'overlap-ended': 'The previous client secret no longer works.',
};

export function doneNotice(c: Context): string | undefined {
  const key = c.req.query('done');
  return key ? NOTICES[key] : undefined;
}
