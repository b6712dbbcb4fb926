import { sourceOfRequest } from '../../auth/source.js';
import type { RequestOrigin } from '../../request-info.js';
import type { ServerContext } from '../../server-context.js';
import type { Outcome } from '../../storage/oauth-records.js';
import type { ProofArgs, Refused } from '../../storage/principal-store.js';

/**
 * Runs an account operation that a password allows (log-in, changing the password): the
 * password becomes a proof the database checks in the operation's own call, under the same
 * lockout as agents and clients (auth/principal-call.ts). Passwords are never remembered.
 */
export function withPassword<R extends Outcome<string>>(
  ctx: ServerContext,
  email: string,
  password: string,
  request: RequestOrigin,
  operation: (user: ProofArgs) => Promise<R>,
): Promise<R | Refused> {
  const source = sourceOfRequest(request);
  return ctx.principals.call(
    { kind: 'user', id: email, secret: password, source, request },
    () => ctx.principalStore.begin('user', email, source),
    operation,
    { remember: false },
  );
}
