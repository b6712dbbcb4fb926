import type { SqlExecutor } from '../storage/driver.js';
import type { PrincipalKind } from '../storage/principal-store.js';

export type LockoutSubject = PrincipalKind;

/**
 * Lockout is counted and decided in the database, in the same call that checks a secret
 * (migrations/functions/03-lockout.sql). What remains here is the operator's side, on a
 * privileged connection: clearing every lock of a subject. True if anything was locked.
 * (The console unlocks through app_unlock, which checks the owner: console/queries/unlock.ts.)
 */
export async function clearLockout(
  db: SqlExecutor,
  subject: LockoutSubject,
  id: string,
): Promise<boolean> {
  const [row] = await db.query<{ was_locked: boolean }>(
    'SELECT security_lockout_clear($1, $2) AS was_locked',
    [subject, id],
  );
  return row?.was_locked ?? false;
}
