import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { SqlExecutor } from '../storage/driver.js';
import { AlertEngine, alertRules } from './alerts.js';
import { CounterStore } from './counter-store.js';
import type { SecurityEventInput } from './events.js';
import { Lockout, type LockoutState, type LockoutSubject, type SecretCheck } from './lockout.js';
import { SecurityMetrics } from './metrics.js';
import { RateLimiters } from './rate-limit.js';
import { SecurityLog } from './security-log.js';
import { WebhookSender } from './webhook.js';

/**
 * Everything the endpoints (and the console) use for abuse resistance and the security log,
 * reachable as `ctx.security`. Built once per server in app-context.ts.
 */
export class Security {
  readonly log: SecurityLog;
  readonly metrics: SecurityMetrics;
  readonly lockout: Lockout;
  readonly limits: RateLimiters;
  readonly counters: CounterStore;
  private readonly alerts: AlertEngine;
  private readonly webhook: WebhookSender;

  constructor(config: Config, db: SqlExecutor, logger: Logger) {
    this.counters = new CounterStore(config.redisUrl, config.redisKeyPrefix, logger);
    this.log = new SecurityLog(db, logger);
    this.metrics = new SecurityMetrics(db);
    this.lockout = new Lockout(db, config.lockout);
    this.limits = new RateLimiters(config, this.counters, this.log);
    this.webhook = new WebhookSender(
      config.alerts.webhookUrl,
      config.alerts.webhookRetries,
      logger,
    );
    this.alerts = new AlertEngine(
      alertRules(config.alerts),
      this.counters,
      this.log,
      this.webhook,
      config.issuer,
    );
    this.log.onEvent((event) => this.metrics.countEvent(event));
    this.log.onEvent((event) => this.alerts.observe(event));
  }

  /** Records a security event (never blocks; see SecurityLog). */
  record(event: SecurityEventInput): void {
    this.log.record(event);
  }

  /**
   * Checks a secret under lockout and records the failure (and any lockout) as security
   * events. The caller records success once every other check has passed too.
   */
  async checkSecret(
    subject: LockoutSubject,
    id: string,
    verify: () => Promise<boolean>,
    known?: LockoutState | null,
  ): Promise<SecretCheck> {
    const checked = await this.lockout.check(subject, id, verify, known);
    if (checked.outcome === 'ok') return checked;
    const ids =
      subject === 'agent' ? { agentId: id } : subject === 'client' ? { clientId: id } : {};
    const actor = { type: subject, id: subject === 'user' ? undefined : id } as const;
    this.record({
      event: `${subject}.authentication`,
      outcome: checked.outcome === 'locked' ? 'denied' : 'failure',
      actor,
      target: { type: subject, id },
      ...ids,
      details: { reason: checked.outcome === 'locked' ? 'locked' : 'invalid_secret' },
    });
    if (checked.outcome === 'failed' && checked.lockedNow) {
      this.record({
        event: 'lockout.locked',
        outcome: 'denied',
        actor,
        target: { type: subject, id },
        ...ids,
        details: { seconds: checked.retryAfter ?? 0 },
      });
    }
    return checked;
  }

  /**
   * For the console: a signed-in user tried to read or change an object that row-level
   * security hid from them. Records `rls.violation_attempt`, which alerts by default.
   */
  rlsViolation(input: { userId: string; targetType: string; targetId: string; action?: string }) {
    this.record({
      event: 'rls.violation_attempt',
      outcome: 'denied',
      actor: { type: 'user', id: input.userId },
      target: { type: input.targetType, id: input.targetId },
      userId: input.userId,
      details: { action: input.action ?? null },
    });
  }

  /** For the console: an admin changed something (disable, delete, role change...). */
  adminAction(input: {
    userId: string;
    action: string;
    targetType: string;
    targetId: string;
    agentId?: string;
    clientId?: string;
  }) {
    this.record({
      event: 'admin.action',
      outcome: 'success',
      actor: { type: 'user', id: input.userId },
      target: { type: input.targetType, id: input.targetId },
      userId: input.userId,
      agentId: input.agentId,
      clientId: input.clientId,
      details: { action: input.action },
    });
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
