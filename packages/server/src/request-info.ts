/**
 * Who is asking, for the security log, lockout and rate limits: made once per request by
 * the HTTP layer (http/request-context.ts) and passed down explicitly to what needs it. It
 * used to be reachable anywhere through AsyncLocalStorage, but on Node 20 that puts a hook
 * on every promise the process makes, which cost about a tenth of the server's CPU per
 * request (bench/ANALYSIS.md, "Eleventh round").
 */
export interface RequestInfo {
  readonly requestId: string;
  readonly ip: string;
  readonly userAgent: string | undefined;
  /** Set once the request proved a principal (auth/principal-call.ts): not a failure. */
  authenticated?: boolean;
}

/**
 * The request an event or check belongs to; undefined for what the server does on its own
 * (the CLI, database outage notices), which then carries no address or request id.
 */
export type RequestOrigin = RequestInfo | undefined;

/** The request proved an agent, client or account (rate limits count failures only). */
export function markAuthenticated(request: RequestOrigin): void {
  if (request) request.authenticated = true;
}
