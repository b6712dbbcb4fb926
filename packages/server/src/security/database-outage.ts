import type { DatabaseAvailability } from '../storage/database-availability.js';
import type { SecurityEventInput } from './events.js';

/**
 * One security event when the database stops answering (its log line, and the
 * `database_unavailable` alert of alerts.ts) and one when it answers again, with how long it
 * was gone: not one per request failed in between. The events are stored once the database
 * is back (security-log.ts keeps them meanwhile).
 */
export function reportDatabaseOutages(
  availability: DatabaseAvailability,
  record: (event: SecurityEventInput) => void,
): void {
  availability.onChange((change) =>
    // The request that noticed is not the event's actor: record() gets no request.
    record(
      change.available
        ? {
            event: 'database.available',
            outcome: 'info',
            actor: { type: 'system' },
            target: { type: 'database' },
            details: { unavailable_for_ms: change.unavailableForMs },
          }
        : {
            event: 'database.unavailable',
            outcome: 'failure',
            actor: { type: 'system' },
            target: { type: 'database' },
            details: { reason: change.reason },
          },
    ),
  );
}
