import type { Logger } from 'pino';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delivers alert payloads to ALERT_WEBHOOK_URL: POST JSON, each attempt bounded by a
 * timeout, retried with exponential backoff on network errors and non-2xx answers. It runs
 * detached from the request that raised the alert; `flush()` waits for deliveries in flight.
 */
export class WebhookSender {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly url: string | undefined,
    private readonly retries: number,
    private readonly logger: Logger,
    private readonly baseDelayMs = 500,
    private readonly timeoutMs = 5_000,
  ) {}

  send(payload: unknown): void {
    if (!this.url) return;
    const delivery = this.deliver(this.url, JSON.stringify(payload));
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async deliver(url: string, body: string): Promise<void> {
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) await sleep(this.baseDelayMs * 2 ** (attempt - 1));
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'auth-agent-alerts' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await response.body?.cancel();
        if (response.ok) return;
        this.logger.warn({ status: response.status, attempt }, 'alert webhook refused delivery');
      } catch (error) {
        this.logger.warn(
          { err: { message: (error as Error).message }, attempt },
          'alert webhook unreachable',
        );
      }
    }
    this.logger.error({ attempts: this.retries + 1 }, 'alert webhook delivery gave up');
  }
}
