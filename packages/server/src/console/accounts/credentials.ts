import { decoyHash, needsRehash, verifySecret } from '../../crypto/pbkdf2.js';
import type { SqlDriver } from '../../storage/driver.js';
import { findUserByEmail, type UserRecord } from '../../storage/owner-store.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

/**
 * Checks an email and password. Unknown emails cost the same PBKDF2 work as wrong
 * passwords, and disabled accounts fail the same way, so the answer reveals nothing.
 */
export async function checkCredentials(
  db: SqlDriver,
  email: string,
  password: string,
  iterations: number,
): Promise<(UserRecord & { rehash: boolean }) | undefined> {
  const user = isEmail(email) ? await findUserByEmail(db, email) : undefined;
  const ok = await verifySecret(password, user?.passwordHash ?? (await decoyHash(iterations)));
  if (!user || !ok || user.disabled) return undefined;
  return { ...user, rehash: needsRehash(user.passwordHash, iterations) };
}
