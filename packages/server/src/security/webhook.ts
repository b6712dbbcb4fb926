import type { Logger } from 'pino';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one POST and resolves to the answer's status; rejects when it could not be sent. */
export type PostTransport = (
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) => Promise<number>;

/** Plain fetch: for a URL the operator configured (ALERT_WEBHOOK_URL), not one a user gave. */
export const fetchTransport: PostTransport = async (url, body, headers, timeoutMs) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel();
  return response.status;
};

/** A delivery attempt's answer that is not 2xx. */
class Refused extends Error {
  constructor(readonly status: number) {
    super(`answered ${status}`);
  }
}

export interface DeliveryOptions {
  retries: number;
  logger: Logger;
  baseDelayMs?: number;
  timeoutMs?: number;
}

/**
 * Deliveries that run detached from the request that raised them: each attempt bounded by
 * a timeout, retried with exponential backoff when it fails, given up after `retries` more
 * attempts (logged, never thrown). `flush()` waits for deliveries in flight. Alert webhooks
 * and owners' sign-in notifications (mail and webhook, sign-in-notices.ts) use it.
 */
export class Deliveries {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly baseDelayMs: number;
  readonly timeoutMs: number;

  constructor(private readonly options: DeliveryOptions) {
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Starts `attempt` (which throws on failure, and is given its deadline); never throws. */
  start(name: string, attempt: (timeoutMs: number) => Promise<void>): void {
    const delivery = this.run(name, attempt);
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async run(name: string, attempt: (timeoutMs: number) => Promise<void>) {
    const { retries, logger } = this.options;
    for (let n = 0; n <= retries; n++) {
      if (n > 0) await sleep(this.baseDelayMs * 2 ** (n - 1));
      try {
        await withDeadline(attempt(this.timeoutMs), this.timeoutMs);
        return;
      } catch (error) {
        if (error instanceof Refused)
          logger.warn({ status: error.status, attempt: n }, `${name} refused delivery`);
        else
          logger.warn({ err: { message: (error as Error).message }, attempt: n }, `${name} failed`);
      }
    }
    logger.error({ attempts: retries + 1 }, `${name} delivery gave up`);
  }
}

/** `work`, or a rejection once `ms` have passed (for senders without a deadline of their own). */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms + 100);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** POSTs JSON bodies through `transport` as detached, retried deliveries. */
export class WebhookSender {
  readonly deliveries: Deliveries;

  constructor(
    private readonly name: string,
    options: DeliveryOptions,
    private readonly transport: PostTransport = fetchTransport,
  ) {
    this.deliveries = new Deliveries(options);
  }

  /** Posts `body` to `url`, if there is one, with extra `headers`; never throws. */
  send(url: string | undefined, body: string, headers: Record<string, string> = {}): void {
    if (!url) return;
    this.deliveries.start(this.name, async (timeoutMs) => {
      const status = await this.transport(url, body, headers, timeoutMs);
      if (status < 200 || status >= 300) throw new Refused(status);
    });
  }

  flush(): Promise<void> {
    return this.deliveries.flush();
  }
}
