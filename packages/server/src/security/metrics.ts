import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { within } from '../storage/database-availability.js';
import type { SqlDriver } from '../storage/driver.js';
import type { CounterStore } from './counter-store.js';
import { SECURITY_EVENTS, SECURITY_OUTCOMES, type SecurityEvent } from './events.js';

/**
 * Prometheus metrics on a registry of their own (several servers in one process, as in the
 * tests, do not collide): a counter per security event and outcome, request latency per
 * route, the number of active grants read from the database at scrape time, and whether the
 * database answers and rate limits are shared. A scrape never waits on the database longer
 * than `probeMs` and keeps answering during an outage (docs/operations-runtime.md).
 */
export class SecurityMetrics {
  readonly registry = new Registry();
  private readonly events: Counter<'event' | 'outcome'>;
  private readonly latency: Histogram<'method' | 'route' | 'status'>;

  constructor(db: SqlDriver, counters: CounterStore, probeMs: number) {
    const registers = [this.registry];
    this.events = new Counter({
      name: 'auth_agent_security_events_total',
      help: 'Security events by kind and outcome.',
      labelNames: ['event', 'outcome'],
      registers,
    });
    for (const event of SECURITY_EVENTS)
      for (const outcome of SECURITY_OUTCOMES) this.events.inc({ event, outcome }, 0);
    this.latency = new Histogram({
      name: 'auth_agent_http_request_duration_seconds',
      help: 'HTTP request latency by route.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    // One probe per scrape, shared by the gauges that need the database.
    const probe = () =>
      within(probeMs, db.query<{ n: string }>('SELECT security_active_grants()::text AS n')).catch(
        () => undefined,
      );
    let scrape: ReturnType<typeof probe> | undefined;
    const answer = () => {
      scrape ??= probe().finally(() => setImmediate(() => (scrape = undefined)));
      return scrape;
    };
    new Gauge({
      name: 'auth_agent_active_grants',
      help: 'Grants (agent sign-ins to websites) neither revoked nor expired; kept from the last scrape while the database does not answer.',
      registers,
      async collect() {
        const rows = await answer();
        if (rows) this.set(Number(rows[0]?.n ?? 0));
      },
    });
    new Gauge({
      name: 'auth_agent_database_up',
      help: 'Whether the database answered this scrape (1) or not (0): every request needing it is answered 503 meanwhile.',
      registers,
      async collect() {
        this.set((await answer()) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'auth_agent_rate_limit_fallback',
      help: 'Whether rate limits are counted in this instance only (1) because REDIS_URL is set but Redis is unreachable.',
      registers,
      collect() {
        this.set(counters.fallingBack ? 1 : 0);
      },
    });
    new Counter({
      name: 'auth_agent_rate_limit_fallbacks_total',
      help: 'Times Redis was lost and rate limits fell back to this instance.',
      registers,
      collect() {
        this.reset();
        this.inc(counters.fallbacks);
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
