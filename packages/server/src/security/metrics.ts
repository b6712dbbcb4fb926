import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SqlExecutor } from '../storage/driver.js';
import { SECURITY_EVENTS, SECURITY_OUTCOMES, type SecurityEvent } from './events.js';

/**
 * Prometheus metrics on a registry of their own (several servers in one process, as in the
 * tests, do not collide): a counter per security event and outcome, request latency per
 * route, and the number of active grants, read from the database at scrape time.
 */
export class SecurityMetrics {
  readonly registry = new Registry();
  private readonly events: Counter<'event' | 'outcome'>;
  private readonly latency: Histogram<'method' | 'route' | 'status'>;

  constructor(db: SqlExecutor) {
    this.events = new Counter({
      name: 'auth_agent_security_events_total',
      help: 'Security events by kind and outcome.',
      labelNames: ['event', 'outcome'],
      registers: [this.registry],
    });
    for (const event of SECURITY_EVENTS)
      for (const outcome of SECURITY_OUTCOMES) this.events.inc({ event, outcome }, 0);
    this.latency = new Histogram({
      name: 'auth_agent_http_request_duration_seconds',
      help: 'HTTP request latency by route.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'auth_agent_active_grants',
      help: 'Grants (agent sign-ins to websites) neither revoked nor expired.',
      registers: [this.registry],
      async collect() {
        const [row] = await db.query<{ n: string }>('SELECT security_active_grants()::text AS n');
        this.set(Number(row?.n ?? 0));
      },
    });
  }

  countEvent(event: SecurityEvent): void {
    this.events.inc({ event: event.event, outcome: event.outcome });
  }

  /** Starts timing a request; the stop function records it under its route pattern. */
  requestTimer(): (labels: { method: string; route: string; status: string }) => void {
    return this.latency.startTimer();
  }

  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
