import { consoleError } from '../http/console-error.js';
import type { ConsoleSession } from '../session/sessions.js';

/**
 * Non-admins get the same 404 as for any other object that is not theirs. This check is
 * for the pages only: the data itself is protected by RLS, where app_is_admin() decides.
 */
export function requireAdmin(session: ConsoleSession): void {
  if (session.role !== 'admin') throw consoleError.notFound();
}
