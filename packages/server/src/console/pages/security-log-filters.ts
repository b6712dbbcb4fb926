import type { Context } from 'hono';
import { z } from 'zod';
import { MAX_EVENTS, type SecurityEventFilter } from '../../security/event-queries.js';
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
  limit: z.coerce.number().int().min(1).max(MAX_EVENTS).optional(),
});

type FilterName = keyof typeof filterSchema.shape;

/**
 * The security log's filters from the query string. Each is checked on its own: a valid
 * one is kept (and shown again in the form), an invalid one is dropped and named in
 * `invalid`, so one typo does not reset the others.
 */
export function readFilters(
  c: Context,
  defaultLimit = 100,
): {
  filter: SecurityEventFilter;
  raw: Record<string, string>;
  invalid: string[];
} {
  const raw: Record<string, string> = {};
  const invalid: string[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(c.req.query())) {
    if (!(name in filterSchema.shape) || typeof value !== 'string' || value === '') continue;
    const result = filterSchema.shape[name as FilterName].safeParse(value);
    if (result.success) {
      raw[name] = value;
      parsed[name] = result.data;
    } else invalid.push(name);
  }
  const d = parsed as z.infer<typeof filterSchema>;
  return {
    invalid,
    filter: {
      event: d.event,
      outcome: d.outcome as SecurityEventFilter['outcome'],
      subject: d.subject,
      ip: d.ip,
      since: d.since,
      until: d.until,
      beforeId: d.before,
      limit: d.limit ?? defaultLimit,
    },
    raw,
  };
}
