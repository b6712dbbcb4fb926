import { SealedBox } from '../../crypto/sealed-box.js';
import type { ConsoleDeps } from '../deps.js';
import type { ConsoleSession } from '../session/sessions.js';
import { asSession } from './handlers.js';

/** A one-time page lives this long unread (the redirect is followed at once). */
const FLASH_TTL_SECONDS = 600;
const LABEL = 'console-one-time-page';

/**
 * POST-redirect-GET for pages that show something once (a new secret): the action stores
 * the content and redirects to it; the first GET reads and deletes it (app_flash_take), so a
 * reload shows nothing again and never repeats the action. The content is sealed under a key
 * derived from the session's id, which the database never sees (it keeps only a hash), so
 * the stored row reveals nothing and only this session can open it.
 */
export async function putOneTimePage<T>(
  deps: ConsoleDeps,
  session: ConsoleSession,
  content: T,
): Promise<string> {
  const sealed = new SealedBox(session.id, LABEL).seal(
    Buffer.from(JSON.stringify(content), 'utf8'),
    LABEL,
  );
  const [row] = await asSession(deps, session, (tx) =>
    tx.query<{ id: string }>('SELECT app_flash_put($1, $2) AS id', [sealed, FLASH_TTL_SECONDS]),
  );
  if (!row) throw new Error('one-time page not stored');
  return row.id;
}

/** The content stored by putOneTimePage, once; undefined when read before or not this session's. */
export async function takeOneTimePage<T>(
  deps: ConsoleDeps,
  session: ConsoleSession,
  id: string,
): Promise<T | undefined> {
  const [row] = await asSession(deps, session, (tx) =>
    tx.query<{ sealed: string | null }>('SELECT app_flash_take($1) AS sealed', [id]),
  );
  if (!row?.sealed) return undefined;
  const plain = new SealedBox(session.id, LABEL).open(row.sealed, LABEL);
  return plain ? (JSON.parse(plain.toString('utf8')) as T) : undefined;
}
