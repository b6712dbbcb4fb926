import { z } from 'zod';
import { listSecurityEvents } from '../../security/event-queries.js';
import type { ConsoleDeps } from '../deps.js';
import { consoleError } from '../http/console-error.js';
import { action, asSession, csrfOf, view } from '../http/handlers.js';
import { UNLOCK_NOTICE, unlockAsUser } from '../queries/unlock.js';
import { page, seeOther } from '../views/shell.js';
import { readFilters } from './security-log-filters.js';
import { securityLogBody } from './security-log-page.js';

/** GET /console/security — owners see events about their own objects, admins all of them. */
export function securityLogView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const { filter, raw } = readFilters(c);
    // Events are stored in batches (security-log.ts): show the ones still waiting too.
    await deps.ctx.security.log.flush();
    const events = await asSession(deps, session, (tx) => listSecurityEvents(tx, filter));
    return page(c, {
      title: 'Security log',
      session,
      section: 'security',
      body: securityLogBody({
        c,
        csrf: csrfOf(session),
        isAdmin: session.role === 'admin',
        filters: raw,
        events,
      }),
    });
  });
}

/** GET /console/security/events — the same entries as JSON. */
export function securityEventsJson(deps: ConsoleDeps) {
  return view(async (c, session) => {
    const { filter } = readFilters(c);
    await deps.ctx.security.log.flush();
    const events = await asSession(deps, session, (tx) => listSecurityEvents(tx, filter));
    return c.json({ events }, 200, { 'Cache-Control': 'no-store' });
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
    const outcome = await unlockAsUser(deps.ctx, session, subject, id);
    return seeOther(c, '/console/security', UNLOCK_NOTICE[outcome]);
  });
}
