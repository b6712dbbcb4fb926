import type { SecurityEventRow } from '../../security/event-queries.js';
import type { SqlExecutor } from '../../storage/driver.js';

/** A security-log entry with the names of its actor and target, where the reader may see them. */
export interface NamedEvent extends SecurityEventRow {
  actorName: string | null;
  targetName: string | null;
}

/**
 * Names for the ids entries carry: an agent's label (or the name websites receive), a
 * website's name, an account's email. Runs under the reader's row-level security, so an
 * owner gets names of their own objects and account only, an admin every one.
 */
export async function withNames(
  tx: SqlExecutor,
  events: SecurityEventRow[],
): Promise<NamedEvent[]> {
  const ids = [
    ...new Set(events.flatMap((e) => [e.actorId, e.targetId]).filter((v) => v !== null)),
  ];
  const names = new Map<string, string>();
  if (ids.length > 0) {
    const rows = await tx.query<{ id: string; name: string | null }>(
      `SELECT agent_id AS id, coalesce(label, user_name) AS name FROM agents WHERE agent_id = ANY ($1)
       UNION ALL SELECT client_id, name FROM clients WHERE client_id = ANY ($1)
       UNION ALL SELECT id::text, email FROM users WHERE id::text = ANY ($1)`,
      [ids],
    );
    for (const row of rows) if (row.name) names.set(row.id, row.name);
  }
  return events.map((e) => ({
    ...e,
    actorName: (e.actorId && names.get(e.actorId)) ?? null,
    targetName: (e.targetId && names.get(e.targetId)) ?? null,
  }));
}
