import type { Context } from 'hono';
import { z } from 'zod';
import type { SecurityEventFilter } from '../../security/event-queries.js';
import { SECURITY_EVENTS, SECURITY_OUTCOMES } from '../../security/events.js';

// Dates as a datetime-local field sends them (taken as UTC), or full ISO 8601; years 1-9999
// only, so nothing out of the database's range reaches it.
const optionalDate = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const date = new Date(/Z|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
    const year = date.getUTCFullYear();
    if (Number.isNaN(date.getTime()) || year < 1 || year > 9999) {
      ctx.addIssue({ code: 'custom', message: 'not a date' });
      return z.NEVER;
    }
    return date;
  });

const PRINTABLE = /^[^\p{Cc}]*$/u;

const filterSchema = z.object({
  event: z
    .string()
    .optional()
    .refine(
      (v) => !v || (SECURITY_EVENTS as readonly string[]).includes(v) || /^[a-z_]+\.$/.test(v),
    ),
  outcome: z.enum(SECURITY_OUTCOMES as [string, ...string[]]).optional(),
  subject: z.string().max(320).regex(PRINTABLE).optional(),
  ip: z.string().max(64).regex(PRINTABLE).optional(),
  since: optionalDate,
  until: optionalDate,
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** The security log's filters from the query string; anything invalid shows the default. */
export function readFilters(c: Context): {
  filter: SecurityEventFilter;
  raw: Record<string, string>;
} {
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
