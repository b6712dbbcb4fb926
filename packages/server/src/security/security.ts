import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { RequestOrigin } from '../request-info.js';
import type { SqlDriver } from '../storage/driver.js';
import { AlertEngine, alertRules } from './alerts.js';
import { CounterStore } from './counter-store.js';
import { reportDatabaseOutages } from './database-outage.js';
import type { SecurityEventInput } from './events.js';
import { SecurityMetrics } from './metrics.js';
import { RateLimiters } from './rate-limit.js';
import { SecurityLog } from './security-log.js';
import { WebhookSender } from './webhook.js';

/** A console action for the security log: who (`userId`), what, and on which object. */
export interface ConsoleActionInput {
  userId: string;
  action: string;
  targetType: string;
  targetId: string;
  agentId?: string | undefined;
  clientId?: string | undefined;
  details?: Record<string, string | number | boolean | null>;
}

/**
 * Everything the endpoints (and the console) use for abuse resistance and the security log,
 * reachable as `ctx.security`. Built once per server in server-context.ts.
 */
export class Security {
  readonly log: SecurityLog;
  readonly metrics: SecurityMetrics;
  readonly limits: RateLimiters;
  readonly counters: CounterStore;
  private readonly alerts: AlertEngine;
  private readonly webhook: WebhookSender;

  constructor(config: Config, db: SqlDriver, logger: Logger) {
    this.counters = new CounterStore(config.redisUrl, config.redisKeyPrefix, logger);
    this.log = new SecurityLog(db, logger);
    this.metrics = new SecurityMetrics(db, this.counters, config.readinessTimeoutMs);
    this.limits = new RateLimiters(config, this.counters, this.log);
    this.webhook = new WebhookSender('alert webhook', {
      retries: config.alerts.webhookRetries,
      logger,
    });
    const { webhookUrl } = config.alerts;
    const userAgent = { 'user-agent': 'auth-agent-alerts' };
    this.alerts = new AlertEngine(
      alertRules(config.alerts),
      this.counters,
      this.log,
      (alert) => this.webhook.send(webhookUrl, JSON.stringify(alert), userAgent),
      config.issuer,
    );
    this.log.onEvent((event) => this.metrics.countEvent(event));
    this.log.onEvent((event) => this.alerts.observe(event));
    reportDatabaseOutages(db.availability, (event) => this.record(event, undefined));
  }

  /** Records a security event (never blocks; see SecurityLog). */
  record(event: SecurityEventInput, request: RequestOrigin): void {
    this.log.record(event, request);
  }

  /**
   * For the console: a signed-in user tried to read or change an object that row-level
   * security hid from them. Records `rls.violation_attempt`, which alerts by default.
   */
  rlsViolation(
    input: { userId: string; targetType: string; targetId: string; action?: string },
    request: RequestOrigin,
  ) {
    this.record(
      {
        event: 'rls.violation_attempt',
        outcome: 'denied',
        actor: { type: 'user', id: input.userId },
        target: { type: input.targetType, id: input.targetId },
        userId: input.userId,
        details: { action: input.action ?? null },
      },
      request,
    );
  }

  /** For the console: an admin changed something (disable, delete, role change...). */
  adminAction(input: ConsoleActionInput, request: RequestOrigin) {
    this.consoleAction('admin.action', input, request);
  }

  /**
   * For the console: an owner (or an admin on an owner's page) created, changed, rotated,
   * disabled, deleted or revoked one of their agents or websites. Whoever did it is the
   * actor; the owner of the object and the actor both see the entry.
   */
  ownerAction(input: ConsoleActionInput, request: RequestOrigin) {
    this.consoleAction('owner.action', input, request);
  }

  private consoleAction(
    event: 'admin.action' | 'owner.action',
    input: ConsoleActionInput,
    request: RequestOrigin,
  ) {
    this.record(
      {
        event,
        outcome: 'success',
        actor: { type: 'user', id: input.userId },
        target: { type: input.targetType, id: input.targetId },
        userId: input.userId,
        agentId: input.agentId,
        clientId: input.clientId,
        details: { action: input.action, ...input.details },
      },
      request,
    );
  }

  /** Waits for pending log writes, alert counting and webhook deliveries. */
  async flush(): Promise<void> {
    await this.alerts.flush();
    await this.log.flush();
    await this.webhook.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    await this.counters.close();
  }
}
