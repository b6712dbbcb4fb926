import { AuthAgentError } from './errors.js';

/** How an SDK call retries HTTP 429 and 5xx responses and network failures. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. Default 3. */
  retries?: number;
  /** First backoff delay in milliseconds, doubled each retry. Default 250. */
  baseDelayMs?: number;
  /** Longest single wait in milliseconds; a longer Retry-After ends retrying. Default 10 000. */
  maxDelayMs?: number;
}

const DEFAULTS = { retries: 3, baseDelayMs: 250, maxDelayMs: 10_000 } as const;

/**
 * Reads Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 *
 * @param header - the header value, or null when absent
 * @param now - the current time in milliseconds (for tests)
 * @returns milliseconds to wait, or undefined when the header is absent or unusable
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isRetryable(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Exponential backoff with jitter in [half, full] so parallel agents spread out. */
function backoffMs(attempt: number, base: number, max: number): number {
  const full = Math.min(max, base * 2 ** attempt);
  return full / 2 + Math.random() * (full / 2);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `send` until it returns a response that is neither 429 nor 5xx, retrying with
 * backoff and honouring Retry-After. Returns the last response when retries run out or the
 * server asks for a longer wait than `maxDelayMs`; the caller turns it into an error.
 * Network errors are retried too and end as `network_error`.
 *
 * @param send - performs one attempt; called again for each retry
 * @param policy - retry limits
 */
export async function withRetry(
  send: () => Promise<Response>,
  policy: RetryPolicy = {},
): Promise<Response> {
  const retries = policy.retries ?? DEFAULTS.retries;
  const base = policy.baseDelayMs ?? DEFAULTS.baseDelayMs;
  const max = policy.maxDelayMs ?? DEFAULTS.maxDelayMs;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await send();
    } catch (error) {
      if (error instanceof AuthAgentError) throw error;
      if (attempt >= retries) {
        const timedOut = (error as { name?: unknown }).name === 'TimeoutError';
        throw new AuthAgentError(
          timedOut ? 'timeout' : 'network_error',
          timedOut ? 'The server did not answer in time.' : 'The server could not be reached.',
          { cause: error },
        );
      }
      await sleep(backoffMs(attempt, base, max));
      continue;
    }
    if (!isRetryable(response.status) || attempt >= retries) return response;
    const asked = retryAfterMs(response.headers.get('retry-after'));
    if (asked !== undefined && asked > max) return response;
    await response.body?.cancel();
    await sleep(asked ?? backoffMs(attempt, base, max));
  }
}
