import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config/load.js';
import type { RequestOrigin } from '../request-info.js';
import type { CounterStore } from './counter-store.js';
import { eventRecord, type SecurityEvent } from './events.js';
import type { SecurityLog } from './security-log.js';

interface AlertRule {
  name: string;
  description: string;
  /** Fires when more than this many matching events happen in one window. */
  threshold: number;
  matches(event: SecurityEvent): boolean;
}

const WINDOW_SECONDS = 60;

/** The security guide's defaults (Monitoring & Alerts), thresholds from the config. */
export function alertRules(alerts: Config['alerts']): AlertRule[] {
  return [
    {
      name: 'failed_authentication_spike',
      description: 'Failed authentications per minute above the threshold (possible brute force).',
      threshold: alerts.failedAuthPerMinute,
      matches: (e) => e.event.endsWith('.authentication') && e.outcome === 'failure',
    },
    {
      name: 'invalid_redirect_uri',
      description:
        'Authorization requests with an unregistered redirect_uri (possible code theft).',
      threshold: alerts.invalidRedirectPerMinute,
      matches: (e) => e.event === 'authorize.invalid_redirect_uri',
    },
    {
      // Many sources together passed LOCKOUT_IDENTITY_MAX_FAILURES for one agent, client or
      // account: only its trusted sources may still try (docs/security.md, "Lockout").
      name: 'identity_under_attack',
      description:
        'An agent, client or account was locked for every source but the ones it recently authenticated from (guessing from many addresses).',
      threshold: 0,
      matches: (e) => e.event === 'lockout.locked' && e.details?.scope === 'identity',
    },
    {
      // Recorded once per outage (operations/outage-report.ts), not once per request.
      name: 'database_unavailable',
      description: 'The database stopped answering; requests are answered 503 until it is back.',
      threshold: 0,
      matches: (e) => e.event === 'database.unavailable',
    },
    {
      name: 'rls_violation',
      description: "Attempts to reach another owner's objects.",
      threshold: alerts.rlsViolationPerMinute,
      matches: (e) => e.event === 'rls.violation_attempt',
    },
  ];
}

/**
 * Counts matching events per rule in one-minute windows (shared through Redis when set, so
 * the threshold applies to the whole deployment) and fires once per rule and window, at the
 * event that crosses the threshold. Firing writes an `alert.fired` security event and posts
 * the alert to the webhook; neither waits on the request that triggered it.
 */
export class AlertEngine {
  private readonly counters = new Map<string, RateLimiterAbstract>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly rules: AlertRule[],
    store: CounterStore,
    private readonly log: SecurityLog,
    /** Posts a fired alert to ALERT_WEBHOOK_URL (webhook.ts), detached. */
    private readonly deliver: (alert: unknown) => void,
    private readonly issuer: string,
  ) {
    for (const rule of rules)
      this.counters.set(rule.name, store.limiter(`alert:${rule.name}`, 1_000_000, WINDOW_SECONDS));
  }

  observe(event: SecurityEvent): void {
    if (event.event === 'alert.fired') return;
    for (const rule of this.rules) {
      if (!rule.matches(event)) continue;
      const counting = this.count(rule, event);
      this.pending.add(counting);
      void counting.finally(() => this.pending.delete(counting));
    }
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async count(rule: AlertRule, event: SecurityEvent): Promise<void> {
    const counter = this.counters.get(rule.name);
    if (!counter) return;
    let count: number;
    try {
      count = (await counter.penalty('count', 1)).consumedPoints;
    } catch {
      return;
    }
    if (count !== rule.threshold + 1) return;
    const alert = {
      alert: rule.name,
      description: rule.description,
      threshold: rule.threshold,
      window_seconds: WINDOW_SECONDS,
      count,
      issuer: this.issuer,
      fired_at: new Date().toISOString(),
      trigger: eventRecord(event),
    };
    this.log.record(
      {
        event: 'alert.fired',
        outcome: 'alert',
        actor: { type: 'system' },
        target: { type: 'alert_rule', id: rule.name },
        agentId: event.agentId,
        clientId: event.clientId,
        userId: event.userId,
        details: { rule: rule.name, threshold: rule.threshold, count, trigger: event.event },
      },
      requestOfEvent(event),
    );
    this.deliver(alert);
  }
}

/** The request an event was recorded in: an alert it fires is logged as part of it. */
function requestOfEvent(event: SecurityEvent): RequestOrigin {
  if (event.requestId === undefined) return undefined;
  return { requestId: event.requestId, ip: event.ip ?? 'unknown', userAgent: event.userAgent };
}
