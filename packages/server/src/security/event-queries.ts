import type { SqlExecutor } from '../storage/driver.js';
import type { SecurityOutcome } from './events.js';

export interface SecurityEventFilter {
  /** Exact event name, or a prefix ending in `.` (`token.`). */
  event?: string | undefined;
  outcome?: SecurityOutcome | undefined;
  /** Matches the actor id or the target id. */
  subject?: string | undefined;
  ip?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  /** Keyset pagination: only entries after this one (by id) in the log's order. */
  beforeId?: number | undefined;
  limit?: number | undefined;
}

export interface SecurityEventRow {
  id: number;
  occurredAt: Date;
  event: string;
  outcome: SecurityOutcome;
  actorType: string;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** The most entries one query returns (a page, or one export). */
export const MAX_EVENTS = 5000;

/**
 * Security-log entries the caller may see, newest first. There is no owner filter here: in
 * a console session (owner-store.ts inSession) row-level security (004_security.sql) shows
 * an owner the entries about their own agents, clients and account, and an admin every one.
 */
export async function listSecurityEvents(
  tx: SqlExecutor,
  filter: SecurityEventFilter = {},
): Promise<SecurityEventRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.event?.endsWith('.')) add((p) => `starts_with(e.event, ${p})`, filter.event);
  else if (filter.event) add((p) => `e.event = ${p}`, filter.event);
  if (filter.outcome) add((p) => `e.outcome = ${p}`, filter.outcome);
  if (filter.subject) add((p) => `(e.actor_id = ${p} OR e.target_id = ${p})`, filter.subject);
  if (filter.ip) add((p) => `e.ip = ${p}`, filter.ip);
  if (filter.since) add((p) => `e.occurred_at >= ${p}`, filter.since);
  if (filter.until) add((p) => `e.occurred_at < ${p}`, filter.until);
  if (filter.beforeId)
    add(
      (p) =>
        `(e.occurred_at, e.id) < (SELECT b.occurred_at, b.id FROM security_events b WHERE b.id = ${p})`,
      filter.beforeId,
    );
  params.push(Math.min(Math.max(filter.limit ?? 100, 1), MAX_EVENTS));
  // Newest first by time (events are stored in batches, so ids are not in time order), then
  // by id; the id goes out as text (a bigint), so the sort names the table's column.
  const sql = `SELECT e.id::text AS id, e.occurred_at, e.event, e.outcome, e.actor_type,
      e.actor_id, e.target_type, e.target_id, e.ip, e.user_agent, e.request_id, e.details
    FROM security_events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY e.occurred_at DESC, e.id DESC LIMIT $${params.length}`;
  const rows = await tx.query<{
    id: string;
    occurred_at: Date;
    event: string;
    outcome: SecurityOutcome;
    actor_type: string;
    actor_id: string | null;
    target_type: string | null;
    target_id: string | null;
    ip: string | null;
    user_agent: string | null;
    request_id: string | null;
    details: Record<string, unknown>;
  }>(sql, params);
  return rows.map((r) => ({
    id: Number(r.id),
    occurredAt: r.occurred_at,
    event: r.event,
    outcome: r.outcome,
    actorType: r.actor_type,
    actorId: r.actor_id,
    targetType: r.target_type,
    targetId: r.target_id,
    ip: r.ip,
    userAgent: r.user_agent,
    requestId: r.request_id,
    details: r.details,
  }));
}
