import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { cspNonce, pageCsp } from '../http/nonce.js';
import type { ServerContext } from '../server-context.js';
import { securityLogPage } from './console-page.js';
import { unlockAsUser } from './console-unlock.js';
import { listSecurityEvents, type SecurityEventFilter } from './event-queries.js';
import { SECURITY_EVENTS, SECURITY_OUTCOMES } from './events.js';

export interface ConsoleUser {
  id: string;
  role: 'user' | 'admin';
}

/** What the console supplies: who is signed in, and its CSRF token scheme. */
export interface SecurityConsoleOptions {
  currentUser(c: Context): Promise<ConsoleUser | undefined>;
  csrfToken(c: Context): string | Promise<string>;
  verifyCsrf(c: Context, submitted: string | undefined): boolean | Promise<boolean>;
  /** Where to send a visitor who is not signed in. */
  loginPath?: string;
}

const optionalDate = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const date = new Date(/Z|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'not a date' });
      return z.NEVER;
    }
    return date;
  });

const filterSchema = z.object({
  event: z
    .string()
    .optional()
    .refine(
      (v) => !v || (SECURITY_EVENTS as readonly string[]).includes(v) || /^[a-z_]+\.$/.test(v),
    ),
  outcome: z.enum(SECURITY_OUTCOMES as [string, ...string[]]).optional(),
  subject: z.string().max(320).optional(),
  ip: z.string().max(64).optional(),
  since: optionalDate,
  until: optionalDate,
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const unlockSchema = z.object({
  subject: z.enum(['agent', 'client', 'user']),
  id: z.string().min(1).max(320),
  csrf_token: z.string().optional(),
});

function readFilters(c: Context): { filter: SecurityEventFilter; raw: Record<string, string> } {
  const raw = Object.fromEntries(
    Object.entries(c.req.query()).filter(([, v]) => typeof v === 'string' && v !== ''),
  );
  const parsed = filterSchema.safeParse(raw);
  if (!parsed.success) return { filter: { limit: 100 }, raw: {} };
  const d = parsed.data;
  return {
    filter: {
      event: d.event,
      outcome: d.outcome as SecurityEventFilter['outcome'],
      subject: d.subject,
      ip: d.ip,
      since: d.since,
      until: d.until,
      beforeId: d.before,
      limit: d.limit,
    },
    raw,
  };
}

/**
 * The security log and unlock, as a sub-app the console mounts (see docs/security.md):
 *   GET  /          the page (filters as query parameters)
 *   GET  /events    the same entries as JSON
 *   POST /unlock    subject=agent|client|user, id, csrf_token (form or JSON)
 */
export function securityConsoleRoutes(ctx: ServerContext, options: SecurityConsoleOptions): Hono {
  const app = new Hono();
  const loginPath = options.loginPath ?? '/console/login';
  const signedIn = async (c: Context) => options.currentUser(c);

  app.get('/', async (c) => {
    const user = await signedIn(c);
    if (!user) return c.redirect(loginPath, 303);
    const { filter, raw } = readFilters(c);
    // Events are stored in batches (security-log.ts): show the ones still waiting too.
    await ctx.security.log.flush();
    const events = await listSecurityEvents(ctx.db, user.id, filter);
    const nonce = cspNonce();
    const notice = c.req.query('notice');
    c.header('Content-Security-Policy', pageCsp(nonce));
    c.header('Cache-Control', 'no-store');
    return c.html(
      securityLogPage({
        nonce,
        basePath: new URL(c.req.url).pathname.replace(/\/$/, ''),
        csrfToken: await options.csrfToken(c),
        isAdmin: user.role === 'admin',
        filters: raw,
        events,
        notice: notice && notice.length <= 200 ? notice : undefined,
      }),
    );
  });

  app.get('/events', async (c) => {
    const user = await signedIn(c);
    if (!user) return c.json({ error: 'access_denied', error_description: 'Sign in first.' }, 401);
    const { filter } = readFilters(c);
    // Events are stored in batches (security-log.ts): show the ones still waiting too.
    await ctx.security.log.flush();
    const events = await listSecurityEvents(ctx.db, user.id, filter);
    return c.json({ events }, 200, { 'Cache-Control': 'no-store' });
  });

  app.post('/unlock', async (c) => {
    const user = await signedIn(c);
    if (!user) return c.json({ error: 'access_denied', error_description: 'Sign in first.' }, 401);
    const isJson = c.req.header('content-type')?.startsWith('application/json') ?? false;
    const body: unknown = isJson ? await c.req.json().catch(() => ({})) : await c.req.parseBody();
    const parsed = unlockSchema.safeParse(body);
    if (!parsed.success)
      return c.json({ error: 'invalid_request', error_description: 'Give subject and id.' }, 400);
    const csrf = parsed.data.csrf_token ?? c.req.header('x-csrf-token');
    if (!(await options.verifyCsrf(c, csrf)))
      return c.json({ error: 'access_denied', error_description: 'Invalid CSRF token.' }, 403);
    const outcome = await unlockAsUser(ctx, user.id, parsed.data.subject, parsed.data.id);
    if (isJson) return c.json({ outcome }, outcome === 'not_found' ? 404 : 200);
    const base = new URL(c.req.url).pathname.replace(/\/unlock$/, '');
    const notice =
      outcome === 'unlocked'
        ? `Unlocked ${parsed.data.id}.`
        : outcome === 'not_locked'
          ? `${parsed.data.id} was not locked.`
          : `No ${parsed.data.subject} ${parsed.data.id} that you own.`;
    return c.redirect(`${base || '/'}?notice=${encodeURIComponent(notice)}`, 303);
  });

  return app;
}
