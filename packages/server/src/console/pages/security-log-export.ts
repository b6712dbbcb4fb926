import type { NamedEvent } from '../queries/event-names.js';

const COLUMNS = [
  ['id', (e) => e.id],
  ['occurred_at', (e) => e.occurredAt.toISOString()],
  ['event', (e) => e.event],
  ['outcome', (e) => e.outcome],
  ['actor_type', (e) => e.actorType],
  ['actor_id', (e) => e.actorId],
  ['actor_name', (e) => e.actorName],
  ['target_type', (e) => e.targetType],
  ['target_id', (e) => e.targetId],
  ['target_name', (e) => e.targetName],
  ['ip', (e) => e.ip],
  ['user_agent', (e) => e.userAgent],
  ['request_id', (e) => e.requestId],
  ['details', (e) => JSON.stringify(e.details)],
] as const satisfies ReadonlyArray<readonly [string, (e: NamedEvent) => string | number | null]>;

/**
 * One CSV field (RFC 4180 §2): quoted when it holds a quote, comma or line break. A value
 * a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading `'`: ids
 * and user agents come from strangers (OWASP, "CSV Injection").
 */
function csvField(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The entries as CSV, a header line first, lines ending in CRLF (RFC 4180). */
export function eventsCsv(events: NamedEvent[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const e of events) lines.push(COLUMNS.map(([, value]) => csvField(value(e))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
