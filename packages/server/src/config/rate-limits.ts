/**
 * Per-minute budgets, per client IP and per identity (the client, agent, sign-in request or
 * email the request names). On routes where a principal authenticates (token, introspect,
 * revoke, authenticate, console_login) only failed authentications count, so honest traffic
 * that authenticates is never throttled however busy it is; on the other routes (authorize,
 * check_status, registration, console_signup, console_password_reset) every request counts (http/rate-limit.ts).
 * Lockout (migrations/functions/03-lockout.sql) is the separate defence against guessing one
 * secret, and the hashing budget (auth/derivation-budget.ts) bounds the work failures cost.
 */
export interface RateLimitBudget {
  perIp: number;
  perIdentity: number;
}

export const DEFAULT_RATE_LIMITS = {
  // Failed authentications only: a website with a wrong secret or a guesser.
  token: { perIp: 60, perIdentity: 30 },
  authenticate: { perIp: 30, perIdentity: 20 },
  introspect: { perIp: 60, perIdentity: 30 },
  revoke: { perIp: 60, perIdentity: 30 },
  console_login: { perIp: 30, perIdentity: 10 },
  // Every request: browsers arriving at a website's sign-in, from one address and in all.
  authorize: { perIp: 300, perIdentity: 6000 },
  // The sign-in page polls this with backoff; a person may have a few tabs open.
  check_status: { perIp: 600, perIdentity: 120 },
  // POST /register: per address, and (identity) all registrations together.
  register: { perIp: 10, perIdentity: 120 },
  // GET/PUT/DELETE /register/:client_id (RFC 7592), per client_id.
  register_manage: { perIp: 60, perIdentity: 30 },
  // Fetches of client metadata documents and JWKS (src/clients/): per requesting address, and
  // per host fetched from; metadata_fetch_total counts every fetch (its per-IP budget is unused).
  metadata_fetch: { perIp: 30, perIdentity: 30 },
  metadata_fetch_total: { perIp: 600, perIdentity: 600 },
  console_signup: { perIp: 10, perIdentity: 5 },
  // Every request: asking for a password reset link (the account itself gets 3 an hour).
  console_password_reset: { perIp: 10, perIdentity: 5 },
} as const satisfies Record<string, RateLimitBudget>;

export type RateLimitName = keyof typeof DEFAULT_RATE_LIMITS;
export type RateLimits = Record<RateLimitName, RateLimitBudget>;

function isName(name: string): name is RateLimitName {
  return Object.hasOwn(DEFAULT_RATE_LIMITS, name);
}

/** Parses `token=600/300,authenticate=60/20`; throws an Error naming the bad entry. */
export function parseRateLimits(raw: string): RateLimits {
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS };
  for (const entry of raw.split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const match = /^([a-z_]+)=(\d{1,7})\/(\d{1,7})$/.exec(entry);
    const name = match?.[1];
    if (!match || !name || !isName(name)) {
      throw new Error(
        `RATE_LIMITS entry "${entry}" must look like name=perIp/perIdentity with name one of ${Object.keys(DEFAULT_RATE_LIMITS).join(', ')}.`,
      );
    }
    const perIp = Number(match[2]);
    const perIdentity = Number(match[3]);
    if (perIp < 1 || perIdentity < 1)
      throw new Error(`RATE_LIMITS entry "${entry}" must allow at least 1 request.`);
    limits[name] = { perIp, perIdentity };
  }
  return limits;
}
