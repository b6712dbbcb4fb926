import { OAuthError, oauthError } from '../errors.js';
import { authenticationRefused, authenticationSucceeded } from '../security/auth-events.js';
import type { ServerContext } from '../server-context.js';
import type { OperationResult, PrincipalOutcome, ProofArgs } from '../storage/principal-store.js';
import { currentSource } from './source.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** The client a token, introspection or revocation request names, and how it authenticates. */
export interface ClientCredentials {
  clientId: string;
  secret: string | undefined;
  method: ClientAuthMethod;
  usedBasic: boolean;
}

type Accepted<R extends OperationResult> = R & { outcome: Exclude<R['outcome'], PrincipalOutcome> };

/** The client a request authenticates as, ready to run operations as it. */
export interface AuthenticatingClient {
  clientId: string;
  method: ClientAuthMethod;
  /**
   * Runs a database operation as this client (it checks the credentials in the same call).
   * Throws invalid_client (401, with Retry-After while locked) or 503 while the source has
   * too many attempts in flight, and records the outcome in the security log.
   */
  run<R extends OperationResult>(
    operation: (client: ProofArgs) => Promise<R>,
  ): Promise<Accepted<R>>;
}

/** RFC 6749 §5.2 invalid_client: 401, with a Basic challenge when the client used Basic. */
function refused(credentials: ClientCredentials, outcome: PrincipalOutcome, retryAfter: number) {
  if (outcome === 'principal_busy')
    return new OAuthError(
      'temporarily_unavailable',
      'Too many authentication attempts are being checked; retry shortly.',
      503,
      { 'Retry-After': String(Math.max(1, retryAfter)) },
    );
  const challenge: Record<string, string> = credentials.usedBasic
    ? { 'WWW-Authenticate': 'Basic realm="auth-agent"' }
    : {};
  if (outcome === 'principal_locked')
    return new OAuthError(
      'invalid_client',
      'Too many failed authentication attempts for this client from here; it is temporarily locked. Its owner can unlock it.',
      401,
      { 'Retry-After': String(retryAfter), ...challenge },
    );
  return oauthError.invalidClient(undefined, credentials.usedBasic);
}

export function authenticatingClient(
  ctx: ServerContext,
  credentials: ClientCredentials,
): AuthenticatingClient {
  const { clientId, method } = credentials;
  const presented = {
    kind: 'client' as const,
    id: clientId,
    secret: credentials.secret,
    source: currentSource(),
  };
  return {
    clientId,
    method,
    async run<R extends OperationResult>(operation: (client: ProofArgs) => Promise<R>) {
      const result = await ctx.principals.call(
        presented,
        () => ctx.principalStore.begin('client', clientId, presented.source),
        operation,
      );
      const outcome = result.outcome as PrincipalOutcome | string;
      if (outcome.startsWith('principal_')) {
        const principal = outcome as Exclude<PrincipalOutcome, 'principal_retry'>;
        for (const event of authenticationRefused('client', clientId, principal, result.retryAfter))
          ctx.security.record(event);
        throw refused(credentials, principal, result.retryAfter);
      }
      ctx.security.record(authenticationSucceeded('client', clientId, { method }));
      return result as Accepted<R>;
    },
  };
}
