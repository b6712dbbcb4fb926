import type { Context } from 'hono';
import { requestOf } from '../../http/request-context.js';
import type { SqlExecutor } from '../../storage/driver.js';
import type { ConsoleDeps } from '../deps.js';
import type { ConsoleSession } from '../session/sessions.js';
import { consoleError, objectId } from './console-error.js';
import { asSession } from './handlers.js';

export type ObjectKind = 'agent' | 'client' | 'api' | 'grant' | 'user';

/**
 * Called when an object id found nothing under the caller's RLS context. The answer is
 * always 404 (nothing disclosed); if the object does exist, it belongs to someone else and
 * the attempt is reported as `rls.violation_attempt`.
 */
export async function notVisible(
  deps: ConsoleDeps,
  c: Context,
  tx: SqlExecutor,
  session: ConsoleSession,
  kind: ObjectKind,
  id: string,
): Promise<never> {
  const [row] = await tx.query<{ exists: boolean }>('SELECT app_object_exists($1, $2) AS exists', [
    kind,
    id,
  ]);
  if (row?.exists) {
    deps.ctx.security.rlsViolation(
      {
        userId: session.userId,
        targetType: kind,
        targetId: id,
        action: `${c.req.method} ${c.req.path}`,
      },
      requestOf(c),
    );
  }
  throw consoleError.notFound();
}

/**
 * Loads an object the session may see (RLS decides, inside one transaction), or answers 404
 * through `notVisible`. `load` returns undefined when the row is not visible.
 */
export function loadOwned<T>(
  deps: ConsoleDeps,
  c: Context,
  session: ConsoleSession,
  kind: ObjectKind,
  rawId: string | undefined,
  load: (tx: SqlExecutor, id: string) => Promise<T | undefined>,
): Promise<T> {
  const id = objectId(rawId);
  return asSession(deps, session, async (tx) => {
    const found = await load(tx, id);
    return found ?? notVisible(deps, c, tx, session, kind, id);
  });
}
