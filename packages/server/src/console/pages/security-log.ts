import { z } from 'zod';
import { requestOf } from '../../http/request-context.js';
import { listSecurityEvents, type SecurityEventFilter } from '../../security/event-queries.js';
import type { ConsoleDeps } from '../deps.js';
import { consoleError } from '../http/console-error.js';
import { action, asSession, csrfOf, view } from '../http/handlers.js';
import { withNames } from '../queries/event-names.js';
import { UNLOCK_NOTICE, unlockAsUser } from '../queries/unlock.js';
import type { ConsoleSession } from '../session/sessions.js';
import { page, seeOther } from '../views/shell.js';
import { eventsCsv } from './security-log-export.js';
import { readFilters } from './security-log-filters.js';
import { securityLogBody } from './security-log-page.js';

/** The entries the filters select, with names, as the session may see them. */
async function namedEvents(
  deps: ConsoleDeps,
  session: ConsoleSession,
  filter: SecurityEventFilter,
) {
  // Events are stored in batches (security-log.ts): show the ones still waiting too.
  await deps.ctx.security.log.flush();
  return asSession(deps, session, async (tx) =>
    withNames(tx, await listSecurityEvents(tx, filter)),
  );
}

/** GET /console/security — owners see events about their own objects, admins all of them. */
export function securityLogView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const { filter, raw, invalid } = readFilters(c);
    const events = await namedEvents(deps, session, filter);
    return page(c, {
      title: 'Security log',
      session,
      section: 'security',
      body: securityLogBody({
        c,
        csrf: csrfOf(session),
        isAdmin: session.role === 'admin',
        filters: raw,
        invalid,
        events,
        limit: filter.limit ?? 100,
      }),
    });
  });
}

const EXPORT_LIMIT = 1000;

function attachment(name: string): string {
  return `attachment; filename="security-log-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.${name}"`;
}

/** GET /console/security/events — the same entries as JSON (up to 1000 unless `limit`). */
export function securityEventsJson(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const { filter } = readFilters(c, EXPORT_LIMIT);
    const events = await namedEvents(deps, session, filter);
    return c.json({ events }, 200, {
      'Cache-Control': 'no-store',
      'Content-Disposition': attachment('json'),
    });
  });
}

/** GET /console/security/events.csv — the same entries as CSV, for a spreadsheet. */
export function securityEventsCsv(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const { filter } = readFilters(c, EXPORT_LIMIT);
    const events = await namedEvents(deps, session, filter);
    return c.body(eventsCsv(events), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Disposition': attachment('csv'),
    });
  });
}

const unlockSchema = z.object({
  subject: z.enum(['agent', 'client', 'user']),
  id: z.string().min(1).max(320),
});

/** POST /console/security/unlock — the owner (or an admin) clears a lock. */
export function unlockAction(deps: ConsoleDeps) {
  return action(deps, async (c, session, form) => {
    const parsed = unlockSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw consoleError.badRequest('Choose what to unlock and give its id.');
    const { subject, id } = parsed.data;
    const outcome = await unlockAsUser(deps.ctx, session, subject, id, requestOf(c));
    return seeOther(c, '/console/security', UNLOCK_NOTICE[outcome]);
  });
}
