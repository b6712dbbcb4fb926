import { normalizeEmail } from '../../accounts/email.js';
import { unlockedEvent } from '../../operations/incident-response.js';
import type { RequestOrigin } from '../../request-info.js';
import type { LockoutSubject } from '../../security/lockout.js';
import type { ServerContext } from '../../server-context.js';
import { inSession } from '../../storage/owner-store.js';
import type { ConsoleSession } from '../session/sessions.js';

export type UnlockOutcome = 'unlocked' | 'not_locked' | 'not_found';

/** The page notice (views/notices.ts) for each outcome. */
export const UNLOCK_NOTICE = {
  unlocked: 'unlocked',
  not_locked: 'not-locked',
  not_found: 'not-yours',
} as const satisfies Record<UnlockOutcome, string>;

/**
 * Unlock from the console. The owner (or an admin) may unlock their agent or client; a
 * user account may be unlocked by an admin (or by its own still-open session). The
 * database decides who may (app_unlock, with the session's verified identity): an object
 * the user has no right to is answered `not_found` and recorded as an RLS violation attempt.
 */
export async function unlockAsUser(
  ctx: ServerContext,
  session: Pick<ConsoleSession, 'id' | 'userId'>,
  subject: LockoutSubject,
  id: string,
  request: RequestOrigin,
): Promise<UnlockOutcome> {
  const { userId } = session;
  const publicId = subject === 'user' ? normalizeEmail(id) : id;
  const [row] = await inSession(ctx.db, session.id, (tx) =>
    tx.query<{ unlocked: boolean | null }>('SELECT app_unlock($1, $2) AS unlocked', [
      subject,
      publicId,
    ]),
  );
  if (row?.unlocked === null || row?.unlocked === undefined) {
    ctx.security.rlsViolation(
      { userId, targetType: subject, targetId: id, action: 'unlock' },
      request,
    );
    return 'not_found';
  }
  ctx.security.record(
    {
      ...unlockedEvent(subject, id, row.unlocked, userId),
      actor: { type: 'user', id: userId },
    },
    request,
  );
  return row.unlocked ? 'unlocked' : 'not_locked';
}
