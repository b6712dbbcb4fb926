import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is asking, for the security log and lockout: set once per request by the HTTP layer
 * (http/request-context.ts) and readable anywhere below it without passing it around.
 */
export interface RequestInfo {
  readonly requestId: string;
  readonly ip: string;
  readonly userAgent: string | undefined;
  /** Set once the request proved a principal (auth/principal-call.ts): not a failure. */
  authenticated?: boolean;
}

const storage = new AsyncLocalStorage<RequestInfo>();

/** The current request, anywhere below the HTTP layer (grants, stores, the security log). */
export function currentRequest(): RequestInfo | undefined {
  return storage.getStore();
}

export function runWithRequest<T>(info: RequestInfo, work: () => T): T {
  return storage.run(info, work);
}

/** The current request proved an agent, client or account (rate limits count failures only). */
export function markAuthenticated(): void {
  const info = storage.getStore();
  if (info) info.authenticated = true;
}

/** Runs `work` as no request's (what the server notices on its own, not what a caller did). */
export function outsideRequest<T>(work: () => T): T {
  return storage.exit(work);
}
