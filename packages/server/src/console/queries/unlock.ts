import { unlockSubject } from '../../operations/incident-response.js';
import type { LockoutSubject } from '../../security/lockout.js';
import type { ServerContext } from '../../server-context.js';
import { asUser } from '../../storage/owner-store.js';

const VISIBLE: Record<LockoutSubject, string> = {
  agent: 'SELECT 1 FROM agents WHERE agent_id = $1',
  client: 'SELECT 1 FROM clients WHERE client_id = $1',
  user: 'SELECT 1 FROM users WHERE lower(email) = lower($1)',
};

export type UnlockOutcome = 'unlocked' | 'not_locked' | 'not_found';

/**
 * Unlock from the console. The owner (or an admin) may unlock their agent or client; a
 * user account may be unlocked by an admin (or by its own still-open session). Ownership
 * is decided by row-level security: an object the user cannot see is answered `not_found`
 * and recorded as an RLS violation attempt.
 */
export async function unlockAsUser(
  ctx: ServerContext,
  userId: string,
  subject: LockoutSubject,
  id: string,
): Promise<UnlockOutcome> {
  const visible = await asUser(ctx.db, userId, (tx) => tx.query(VISIBLE[subject], [id]));
  if (visible.length === 0) {
    ctx.security.rlsViolation({ userId, targetType: subject, targetId: id, action: 'unlock' });
    return 'not_found';
  }
  const { result, event } = await unlockSubject(ctx.db, subject, id, userId);
  ctx.security.record({ ...event, actor: { type: 'user', id: userId } });
  return result.unlocked ? 'unlocked' : 'not_locked';
}
