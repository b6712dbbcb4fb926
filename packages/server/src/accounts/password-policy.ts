import { readFileSync } from 'node:fs';

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 256;

let common: ReadonlySet<string> | undefined;

/** The shipped list (assets/common-passwords.txt), loaded once on first use. */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(new URL('../../assets/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean),
  );
  return common;
}

/**
 * Why a new password is refused, or undefined if it is acceptable: at least 12 characters
 * (NIST SP 800-63B §5.1.1.2 asks for 8; we ask more because nothing else is required), not
 * on the list of common passwords, not one repeated character, not built from the email.
 */
export function passwordProblem(password: string, email: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `The password must be at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower))
    return 'This password is on a list of commonly used passwords. Choose another.';
  if (/^(.)\1*$/su.test(password)) return 'The password must not be one repeated character.';
  const local = email.toLowerCase().split('@')[0] ?? '';
  if (local.length >= 4 && lower.includes(local))
    return 'The password must not contain your email address.';
  return undefined;
}
