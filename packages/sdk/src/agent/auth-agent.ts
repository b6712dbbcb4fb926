import { AuthAgentError } from '../shared/errors.js';
import { describeOrigin, isSameOrigin, issuerString, parseIssuer } from '../shared/issuer.js';
import { type RetryPolicy, withRetry } from '../shared/retry.js';
import type { PlaywrightPageLike } from './page.js';
import { REQUEST_ID, readRequestIdFromPage } from './request-id.js';
import { errorFromResponse } from './responses.js';

/** Options for {@link AuthAgent}. */
export interface AuthAgentOptions {
  /** The Auth Agent server, e.g. `https://auth.example.com`. The secret goes nowhere else. */
  issuer: string;
  /** The agent's public id (`agent_…`). */
  agentId: string;
  /** The agent's secret (`aa_sk_…`). Keep it in a secret store or environment variable. */
  agentSecret: string;
  /** The model driving the agent, recorded in the tokens, e.g. `claude-sonnet-4`. */
  model: string;
  /** Retry policy for 429, 5xx and network failures. */
  retry?: RetryPolicy;
  /** Timeout of one HTTP attempt in milliseconds. Default 10 000. */
  requestTimeoutMs?: number;
  /** Accept a plain-http issuer that is not on localhost. Never in production. */
  allowInsecureRequests?: boolean;
  /** A fetch implementation (tests, proxies). Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Options for {@link AuthAgent.signIn}. */
export interface SignInOptions {
  /** How long to wait for the sign-in page, and then for the redirect. Default 30 000 ms. */
  timeoutMs?: number;
}

/** What {@link AuthAgent.authenticate} returns on success. */
export interface AuthenticateResult {
  /** Always `authenticated`: the browser that opened the request can now finish. */
  status: 'authenticated';
}

/** What {@link AuthAgent.signIn} returns on success. */
export interface SignInResult {
  /** The request id that was authenticated. */
  requestId: string;
  /** Where the browser went after signing in (the website's callback or its next page). */
  url: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new AuthAgentError('invalid_config', `${name} is required.`);
  return value;
}

/**
 * An AI agent's Auth Agent identity. It signs in on the agent sign-in page that a website
 * sends the browser to, and only ever sends its secret to the configured issuer: the
 * endpoint comes from the configuration, never from the page, and redirects are not
 * followed.
 *
 * @example
 * ```ts
 * const agent = new AuthAgent({
 *   issuer: 'https://auth.example.com',
 *   agentId: process.env.AUTH_AGENT_ID!,
 *   agentSecret: process.env.AUTH_AGENT_SECRET!,
 *   model: 'claude-sonnet-4',
 * });
 * await page.getByRole('link', { name: 'Sign in with Auth Agent' }).click();
 * await agent.signIn(page);
 * ```
 */
export class AuthAgent {
  /** The issuer, normalised (no trailing slash). */
  readonly issuer: string;
  /** The agent's public id. */
  readonly agentId: string;
  /** The model name sent with each sign-in. */
  readonly model: string;
  readonly #issuerUrl: URL;
  // A private field: not enumerable, not serialised, not shown by console.log.
  readonly #secret: string;
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  /**
   * @param options - issuer, credentials, model and transport settings
   * @throws {@link AuthAgentError} `invalid_config` for a missing value or an unsafe issuer
   */
  constructor(options: AuthAgentOptions) {
    this.#issuerUrl = parseIssuer(
      requireText(options.issuer, 'issuer'),
      options.allowInsecureRequests,
    );
    this.issuer = issuerString(this.#issuerUrl);
    this.agentId = requireText(options.agentId, 'agentId');
    this.#secret = requireText(options.agentSecret, 'agentSecret');
    this.model = requireText(options.model, 'model');
    this.#retry = options.retry ?? {};
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * Authenticates the sign-in request `requestId` at the configured issuer
   * (`POST {issuer}/api/agent/authenticate`). Retries 429 and 5xx with backoff, honouring
   * Retry-After.
   *
   * @param requestId - from {@link requestIdFrom} or the sign-in page
   * @throws {@link AuthAgentError} `authentication_failed`, `access_denied`,
   *   `invalid_request`, `rate_limited`, `server_error`, `network_error`, `timeout` or
   *   `unexpected_response`
   */
  async authenticate(requestId: string): Promise<AuthenticateResult> {
    if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId))
      throw new AuthAgentError('invalid_request', 'That is not a sign-in request id.');
    const endpoint = new URL(`${this.issuer}/api/agent/authenticate`);
    const body = JSON.stringify({
      request_id: requestId,
      agent_id: this.agentId,
      agent_secret: this.#secret,
      model: this.model,
    });
    const response = await withRetry(
      () =>
        this.#fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body,
          // A redirect could carry the secret elsewhere (307/308 resend the body): never follow.
          redirect: 'manual',
          signal: AbortSignal.timeout(this.#timeoutMs),
        }),
      this.#retry,
    );
    if (response.status !== 200) throw await errorFromResponse(response);
    const result = (await response.json().catch(() => undefined)) as
      | { status?: unknown }
      | undefined;
    if (result?.status !== 'authenticated')
      throw new AuthAgentError('unexpected_response', 'The server did not confirm the sign-in.', {
        status: response.status,
      });
    return { status: 'authenticated' };
  }

  /**
   * Signs in on a Playwright page that is on (or about to reach) the agent sign-in page:
   * 1. waits for the sign-in page and reads its request id;
   * 2. checks that the page is served by the configured issuer, refusing any other origin;
   * 3. authenticates from this process (not from the page);
   * 4. waits for the browser to leave the issuer, i.e. the redirect back to the website.
   *
   * @param page - a Playwright `Page` (typed structurally; no Playwright dependency)
   * @param options - timeout
   * @throws {@link AuthAgentError} `untrusted_origin` when a page of another origin shows a
   *   sign-in request (the secret is not sent), `sign_in_page_not_found`, `timeout`, or any
   *   error of {@link AuthAgent.authenticate}
   */
  async signIn(page: PlaywrightPageLike, options: SignInOptions = {}): Promise<SignInResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const requestId = await this.#waitForSignInPage(page, Date.now() + timeoutMs);
    await this.authenticate(requestId);
    const issuerOrigin = this.#issuerUrl.origin;
    try {
      await page.waitForURL((url) => url.origin !== issuerOrigin, { timeout: timeoutMs });
    } catch (error) {
      throw new AuthAgentError(
        'timeout',
        'Signed in, but the browser did not return to the website in time.',
        { cause: error },
      );
    }
    return { requestId, url: page.url() };
  }

  async #waitForSignInPage(page: PlaywrightPageLike, deadline: number): Promise<string> {
    for (;;) {
      const before = page.url();
      const requestId = await readRequestIdFromPage(page);
      const after = page.url();
      if (requestId && before === after) {
        if (!isSameOrigin(after, this.#issuerUrl))
          throw new AuthAgentError(
            'untrusted_origin',
            `The sign-in page is served by ${describeOrigin(after)}, not by the configured issuer ${this.#issuerUrl.origin}; the agent secret was not sent.`,
          );
        return requestId;
      }
      if (Date.now() >= deadline)
        throw new AuthAgentError(
          'sign_in_page_not_found',
          'No Auth Agent sign-in page appeared in the browser in time.',
        );
      await sleep(100);
    }
  }

  /** Serialises without the secret, so logging the agent cannot leak it. */
  toJSON(): { issuer: string; agentId: string; model: string } {
    return { issuer: this.issuer, agentId: this.agentId, model: this.model };
  }
}
