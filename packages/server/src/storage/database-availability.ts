/**
 * Whether the database answers. A query that fails because the server is unreachable,
 * silent or shutting down (not because of what it asked) throws DatabaseUnavailable, which
 * http/error-response.ts answers with 503 and Retry-After; the first such failure after a
 * success, and the first success after one, are reported to the listeners once each, so an
 * outage gives one log line and one alert however many requests it fails.
 */
export class DatabaseUnavailable extends Error {
  override readonly name = 'DatabaseUnavailable';
  constructor(readonly reason: string) {
    super(`The database is unavailable (${reason}).`);
  }
}

export type AvailabilityChange =
  | { available: false; reason: string }
  | { available: true; unavailableForMs: number };

export class DatabaseAvailability {
  private downSince: number | undefined;
  private readonly listeners: ((change: AvailabilityChange) => void)[] = [];

  get available(): boolean {
    return this.downSince === undefined;
  }

  onChange(listener: (change: AvailabilityChange) => void): void {
    this.listeners.push(listener);
  }

  succeeded(): void {
    if (this.downSince === undefined) return;
    const unavailableForMs = Date.now() - this.downSince;
    this.downSince = undefined;
    for (const listener of this.listeners) listener({ available: true, unavailableForMs });
  }

  failed(reason: string): void {
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    for (const listener of this.listeners) listener({ available: false, reason });
  }
}

// Node's socket errors, and SQLSTATE classes 08 (connection exception), 53 (insufficient
// resources: too many connections) and 57P (the server is shutting down or starting).
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const SQLSTATE_UNAVAILABLE = /^(08|53|57P)/;
/** 57014: canceled by statement_timeout (DATABASE_QUERY_TIMEOUT_MS). */
const STATEMENT_TIMEOUT = '57014';
// What `pg` throws when it gives up itself (connect or query timeout, a dropped connection).
const PG_CLIENT_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|not queryable|Cannot use a pool after calling end/;

/** Why `error` means the database did not answer, or undefined if it is any other error. */
export function unavailabilityReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error instanceof DatabaseUnavailable) return error.reason;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code)) return code;
    if (code === STATEMENT_TIMEOUT) return 'statement timeout';
    if (SQLSTATE_UNAVAILABLE.test(code)) return `SQLSTATE ${code}`;
  }
  const aggregate = (error as { errors?: unknown }).errors;
  if (Array.isArray(aggregate)) return aggregate.map(unavailabilityReason).find(Boolean);
  const match = PG_CLIENT_MESSAGES.exec(error.message);
  return match ? match[0] : undefined;
}

/** `work`, or DatabaseUnavailable if it does not settle within `ms` (readiness, metrics). */
export async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailable(`no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
