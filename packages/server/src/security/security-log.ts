import type { Logger } from 'pino';
import { fixedFieldsLogger, hasRedactedKey } from '../logger.js';
import type { RequestOrigin } from '../request-info.js';
import { DatabaseUnavailable } from '../storage/database-availability.js';
import type { SqlExecutor } from '../storage/driver.js';
import { eventRecord, type SecurityEvent, type SecurityEventInput } from './events.js';

export type EventListener = (event: SecurityEvent) => void;

/** Events are stored together once this many are waiting, or after BATCH_DELAY_MS. */
const BATCH_SIZE = 200;
const BATCH_DELAY_MS = 20;
/** While the database does not answer, events wait (at most this many) and are retried. */
const OUTAGE_BACKLOG = 10_000;
const OUTAGE_RETRY_MS = 1_000;

/**
 * Writes security events to the append-only `security_events` table and as structured pino
 * lines. Recording never blocks or fails the request that caused it. The pino line is
 * written at once; the rows are stored in batches (security_log_append_batch,
 * 006_single_round_trip.sql): one statement per BATCH_DELAY_MS or BATCH_SIZE events instead
 * of one transaction per event, which on the hot paths cost more than the work itself
 * (bench/ANALYSIS.md). `flush()` stores everything waiting (tests, shutdown, the console's
 * log page); a batch that fails is retried one event at a time, and an event that still
 * fails is itself logged.
 */
export class SecurityLog {
  private readonly pending = new Set<Promise<void>>();
  private readonly listeners: EventListener[] = [];
  private queued: SecurityEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly fixedFields: Logger;

  constructor(
    private readonly db: SqlExecutor,
    private readonly logger: Logger,
  ) {
    this.fixedFields = fixedFieldsLogger(logger);
  }

  onEvent(listener: EventListener): void {
    this.listeners.push(listener);
  }

  /** `request`: the request the event belongs to (its address, user agent and id). */
  record(input: SecurityEventInput, request: RequestOrigin): void {
    const event: SecurityEvent = {
      ...input,
      occurredAt: new Date(),
      ip: request?.ip,
      userAgent: request?.userAgent,
      requestId: request?.requestId,
    };
    this.log(event);
    this.queued.push(event);
    if (this.queued.length >= BATCH_SIZE) this.store();
    else this.timer ??= setTimeout(() => this.store(), BATCH_DELAY_MS).unref();
    for (const listener of this.listeners) listener(event);
  }

  async flush(): Promise<void> {
    this.store();
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private store(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queued;
    if (batch.length === 0) return;
    this.queued = [];
    const write = this.insertBatch(batch).catch((error: unknown) =>
      error instanceof DatabaseUnavailable ? this.keepForLater(batch) : this.insertEach(batch),
    );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /**
   * An outage is not the events' fault: they wait for the database (the oldest are dropped,
   * and said so, past OUTAGE_BACKLOG) instead of each being logged as lost.
   */
  private keepForLater(batch: SecurityEvent[]): void {
    const waiting = [...batch, ...this.queued];
    const dropped = waiting.length - OUTAGE_BACKLOG;
    if (dropped > 0)
      this.logger.error({ dropped }, 'security events dropped: the database is unavailable');
    this.queued = dropped > 0 ? waiting.slice(dropped) : waiting;
    this.timer ??= setTimeout(() => this.store(), OUTAGE_RETRY_MS).unref();
  }

  private async insertEach(batch: SecurityEvent[]): Promise<void> {
    for (const event of batch) {
      await this.insertBatch([event]).catch((error: unknown) => {
        this.logger.error(
          { err: error, security_event: event.event },
          'security event could not be stored',
        );
      });
    }
  }

  private async insertBatch(batch: SecurityEvent[]): Promise<void> {
    await this.db.query('SELECT security_log_append_batch(($1::text)::jsonb)', [
      JSON.stringify(batch.map(eventRecord)),
    ]);
  }

  private log(event: SecurityEvent): void {
    const level = event.outcome === 'success' || event.outcome === 'info' ? 'info' : 'warn';
    // Every key of the line is written here but those of `details` (whose values are
    // primitives, so nothing is nested deeper): only they could meet a redacted path.
    const redact = event.details !== undefined && hasRedactedKey(event.details);
    (redact ? this.logger : this.fixedFields)[level](
      {
        security_event: event.event,
        outcome: event.outcome,
        actor_type: event.actor?.type ?? 'anonymous',
        actor_id: event.actor?.id,
        target_type: event.target?.type,
        target_id: event.target?.id,
        ip: event.ip,
        user_agent: event.userAgent,
        request_id_header: event.requestId,
        details: event.details,
      },
      `security event ${event.event}`,
    );
  }
}
