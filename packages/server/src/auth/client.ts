import { isClientIdUrl } from '../clients/metadata/client-id-url.js';
import { ClientMetadataError } from '../clients/metadata/metadata-documents.js';
import { OAuthError, oauthError } from '../errors.js';
import type { RequestOrigin } from '../request-info.js';
import {
  authenticationEvent,
  authenticationRefused,
  authenticationSucceeded,
} from '../security/auth-events.js';
import type { ServerContext } from '../server-context.js';
import type { OperationResult, PrincipalOutcome, ProofArgs } from '../storage/principal-store.js';
import { checkClientAssertion } from './client-assertion.js';
import { sourceOfRequest } from './source.js';

export type ClientAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt'
  | 'none';

/** The client a token, introspection or revocation request names, and how it authenticates. */
export interface ClientCredentials {
  clientId: string;
  secret: string | undefined;
  /** The client_assertion JWT when method is private_key_jwt (RFC 7523 §2.2). */
  assertion?: string | undefined;
  method: ClientAuthMethod;
  usedBasic: boolean;
}

type Accepted<R extends OperationResult> = R & { outcome: Exclude<R['outcome'], PrincipalOutcome> };

/** The client a request authenticates as, ready to run operations as it. */
export interface AuthenticatingClient {
  clientId: string;
  method: ClientAuthMethod;
  /** The request it authenticates in, for the security events of what it then does. */
  request: RequestOrigin;
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

/**
 * A client_id that is a URL is known through its metadata document: it is fetched again
 * when the cached copy is stale, so a changed or withdrawn document takes effect here too.
 */
async function refreshDocument(
  ctx: ServerContext,
  clientId: string,
  request: RequestOrigin,
): Promise<void> {
  if (!isClientIdUrl(clientId)) return;
  try {
    await ctx.clientDocuments.resolve(clientId, request);
  } catch (error) {
    if (error instanceof ClientMetadataError) throw oauthError.invalidClient(error.message);
    throw error;
  }
}

/**
 * `kind` 'api': an API (resource server) authenticating with its own api_id and secret, as
 * a client does with client_secret_basic or client_secret_post; nothing else is accepted.
 */
export function authenticatingClient(
  ctx: ServerContext,
  credentials: ClientCredentials,
  request: RequestOrigin,
  kind: 'client' | 'api' = 'client',
): AuthenticatingClient {
  const { clientId, method } = credentials;
  const presented = {
    kind,
    id: clientId,
    secret: credentials.secret,
    source: sourceOfRequest(request),
    request,
  };
  const refuse = (outcome: Exclude<PrincipalOutcome, 'principal_retry'>, retryAfter: number) => {
    for (const event of authenticationRefused(kind, clientId, outcome, retryAfter))
      ctx.security.record(event, request);
    return refused(credentials, outcome, retryAfter);
  };
  /** private_key_jwt: the signature is checked here; the database checks the rest. */
  async function asAssertion<R extends OperationResult>(operation: (c: ProofArgs) => Promise<R>) {
    const checked = await checkClientAssertion(ctx, clientId, credentials.assertion ?? '', request);
    if (!checked.ok) {
      ctx.security.record(
        authenticationEvent('client', clientId, 'failure', {
          reason: 'invalid_assertion',
          detail: checked.reason,
        }),
        request,
      );
      throw oauthError.invalidClient('The client assertion is invalid.');
    }
    return operation({ id: clientId, proof: checked.proof, fresh: true, source: presented.source });
  }
  return {
    clientId,
    method,
    request,
    async run<R extends OperationResult>(operation: (client: ProofArgs) => Promise<R>) {
      if (kind === 'client') await refreshDocument(ctx, clientId, request);
      const result =
        method === 'private_key_jwt' && kind === 'client'
          ? await asAssertion(operation)
          : await ctx.principals.call(
              presented,
              () => ctx.principalStore.begin(kind, clientId, presented.source),
              operation,
            );
      const outcome = result.outcome as PrincipalOutcome | string;
      if (outcome.startsWith('principal_'))
        throw refuse(outcome as Exclude<PrincipalOutcome, 'principal_retry'>, result.retryAfter);
      ctx.security.record(authenticationSucceeded(kind, clientId, { method }), request);
      return result as Accepted<R>;
    },
  };
}
