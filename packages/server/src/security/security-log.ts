import type { Logger } from 'pino';
import type { SqlExecutor } from '../storage/driver.js';
import type { SecurityEvent, SecurityEventInput } from './events.js';
import { currentRequest } from './request-context.js';

export type EventListener = (event: SecurityEvent) => void;

/**
 * Writes security events to the append-only `security_events` table (through
 * security_log_append, 004_security.sql) and as structured pino lines. Recording never
 * blocks or fails the request that caused it: the insert runs in the background, `flush()`
 * waits for it (tests, shutdown), and a failed insert is itself logged.
 */
export class SecurityLog {
  private readonly pending = new Set<Promise<void>>();
  private readonly listeners: EventListener[] = [];

  constructor(
    private readonly db: SqlExecutor,
    private readonly logger: Logger,
  ) {}

  onEvent(listener: EventListener): void {
    this.listeners.push(listener);
  }

  record(input: SecurityEventInput): void {
    const request = currentRequest();
    const event: SecurityEvent = {
      ...input,
      occurredAt: new Date(),
      ip: request?.ip,
      userAgent: request?.userAgent,
      requestId: request?.requestId,
    };
    this.log(event);
    const write = this.insert(event).catch((error: unknown) => {
      this.logger.error(
        { err: error, security_event: event.event },
        'security event could not be stored',
      );
    });
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
    for (const listener of this.listeners) listener(event);
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private log(event: SecurityEvent): void {
    const level = event.outcome === 'success' || event.outcome === 'info' ? 'info' : 'warn';
    this.logger[level](
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

  private async insert(event: SecurityEvent): Promise<void> {
    await this.db.query(
      `SELECT security_log_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, ($13::text)::jsonb)`,
      [
        event.event,
        event.outcome,
        event.actor?.type ?? 'anonymous',
        event.actor?.id ?? null,
        event.target?.type ?? null,
        event.target?.id ?? null,
        event.ip ?? null,
        event.userAgent ?? null,
        event.requestId ?? null,
        event.agentId ?? null,
        event.clientId ?? null,
        event.userId ?? null,
        JSON.stringify(event.details ?? {}),
      ],
    );
  }
}
