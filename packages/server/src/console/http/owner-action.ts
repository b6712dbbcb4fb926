import type { Context } from 'hono';
import { requestOf } from '../../http/request-context.js';
import type { SqlExecutor } from '../../storage/driver.js';
import type { ConsoleDeps } from '../deps.js';
import type { ConsoleSession } from '../session/sessions.js';
import { objectId } from './console-error.js';
import { asSession } from './handlers.js';
import { notVisible } from './owned.js';

export type OwnedKind = 'agent' | 'client' | 'api';

/**
 * Records in the security log that the signed-in user did `action` (create, rotate_secret,
 * disable, delete, revoke...) to an agent or website, named by its public id so that its
 * owner sees the entry (and the actor too, by `userId`).
 */
export function recordOwnerAction(
  deps: ConsoleDeps,
  c: Context,
  session: ConsoleSession,
  kind: OwnedKind,
  publicId: string,
  action: string,
  details?: Record<string, string | number | boolean | null>,
): void {
  deps.ctx.security.ownerAction(
    {
      userId: session.userId,
      action: `${kind === 'client' ? 'website' : kind}.${action}`,
      targetType: kind,
      targetId: publicId,
      ...(kind === 'agent'
        ? { agentId: publicId }
        : kind === 'client'
          ? { clientId: publicId }
          : {}),
      ...(details ? { details } : {}),
    },
    requestOf(c),
  );
}

/**
 * Applies one change to the agent or website named by the URL's `:id`, under RLS, and records
 * it. `change` answers the object's public id, or undefined when no visible row changed: a
 * 404 (reported as an RLS violation attempt if the object is someone else's).
 */
export async function changeOwned(
  deps: ConsoleDeps,
  c: Context,
  session: ConsoleSession,
  kind: OwnedKind,
  action: string,
  change: (tx: SqlExecutor, id: string) => Promise<string | undefined>,
): Promise<{ id: string; publicId: string }> {
  const id = objectId(c.req.param('id'));
  const publicId = await asSession(
    deps,
    session,
    async (tx) => (await change(tx, id)) ?? notVisible(deps, c, tx, session, kind, id),
  );
  recordOwnerAction(deps, c, session, kind, publicId, action);
  return { id, publicId };
}
