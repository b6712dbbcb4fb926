import type { SqlExecutor } from './driver.js';
import type {
  AccessTokenState,
  ClientCheck,
  ClientRegistrationKind,
  CreatedRequest,
  ExchangeRefusal,
  GrantResult,
  IntrospectedToken,
  NewRequest,
  Outcome,
  RequestState,
  RequestStatus,
  RotateRefusal,
  SignInOutcome,
  TokenReference,
} from './oauth-records.js';
import type { BeginResult, ProofArgs } from './principal-store.js';

import {
  type BeginColumns,
  beginResult,
  type OutcomeColumns,
  type PrincipalStore,
} from './principal-store.js';

export type * from './oauth-records.js';

interface GrantColumns extends OutcomeColumns {
  grant_id: string | null;
  agent_id: string | null;
  scope: string | null;
  model: string | null;
}

interface AccessStateColumns {
  active: boolean;
  client_id: string;
  agent_id: string | null;
  user_email: string | null;
  user_name: string | null;
  email_verified: boolean | null;
}

function grantFrom<Refusal extends string>(row: GrantColumns | undefined): GrantResult<Refusal> {
  if (!row) throw new Error('grant function returned no row');
  const retryAfter = row.retry_after ?? 0;
  if (row.outcome !== 'ok') return { outcome: row.outcome as Refusal, retryAfter };
  return {
    outcome: 'ok',
    retryAfter,
    grantId: row.grant_id ?? '',
    agentId: row.agent_id ?? '',
    scope: row.scope ?? '',
    model: row.model ?? '',
  };
}

/**
 * Everything the OAuth endpoints may do to the database, phrased as domain steps. Each call
 * is one round trip to one SECURITY DEFINER function (migrations/functions/). Operations that
 * act for a client or an agent take its ProofArgs first; the function checks them.
 */
export class OAuthStore {
  constructor(
    private readonly db: SqlExecutor,
    private readonly principals: PrincipalStore,
  ) {}

  private principal(args: ProofArgs): unknown[] {
    return this.principals.params(args);
  }

  /** auth_begin for an agent signing in to a request, which must still be pending. */
  async signInBegin(
    requestHash: string,
    agentId: string,
    source: string,
  ): Promise<BeginResult<SignInOutcome>> {
    const [row] = await this.db.query<BeginColumns & { request_status: string }>(
      'SELECT * FROM oauth_sign_in_begin($1, $2, $3, $4)',
      [requestHash, agentId, source, this.principals.policy],
    );
    if (row && row.request_status !== 'pending')
      return {
        proceed: false,
        result: { outcome: row.request_status as RequestStatus | 'not_found', retryAfter: 0 },
      };
    return beginResult(row);
  }

  async completeSignIn(
    agent: ProofArgs,
    input: {
      requestHash: string;
      model: string;
      codeHash: string;
      codeTtl: number;
      maxAttempts: number;
    },
  ): Promise<SignInOutcome> {
    const [row] = await this.db.query<OutcomeColumns>(
      'SELECT * FROM oauth_complete_request($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [
        ...this.principal(agent),
        input.requestHash,
        input.model,
        input.codeHash,
        input.codeTtl,
        input.maxAttempts,
      ],
    );
    return {
      outcome: (row?.outcome ?? 'not_found') as SignInOutcome['outcome'],
      retryAfter: row?.retry_after ?? 0,
    };
  }

  /** Stores the request when its client and exact redirect URI check out, in one call. */
  async createRequest(r: NewRequest): Promise<CreatedRequest> {
    const [row] = await this.db.query<{
      outcome: ClientCheck;
      expires_at: Date | null;
      client_name: string | null;
      client_registration: ClientRegistrationKind | null;
    }>('SELECT * FROM oauth_create_request($1, $2, $3, $4, $5, $6, $7, $8)', [
      r.clientId,
      r.redirectUri,
      r.requestHash,
      r.state,
      r.codeChallenge,
      r.scope,
      r.browserHash,
      r.ttlSeconds,
    ]);
    if (row?.outcome === 'ok' && row.expires_at)
      return {
        outcome: 'ok',
        expiresAt: row.expires_at,
        clientName: row.client_name ?? '',
        registration: row.client_registration ?? 'owner',
      };
    return { outcome: row?.outcome === 'redirect_mismatch' ? row.outcome : 'unknown_client' };
  }

  /** Whether errors may be sent to this redirect URI (RFC 6749 §4.1.2.1). */
  async redirectTrusted(clientId: string, redirectUri: string): Promise<ClientCheck> {
    const [row] = await this.db.query<{ outcome: ClientCheck }>(
      'SELECT oauth_redirect_trusted($1, $2) AS outcome',
      [clientId, redirectUri],
    );
    return row?.outcome ?? 'unknown_client';
  }

  async requestState(requestHash: string): Promise<RequestState | undefined> {
    const [row] = await this.db.query<{
      status: RequestStatus;
      redirect_uri: string;
      state: string;
      browser_hash: string;
      expires_at: Date;
    }>('SELECT * FROM oauth_request_status($1)', [requestHash]);
    return (
      row && {
        status: row.status,
        redirectUri: row.redirect_uri,
        state: row.state,
        browserHash: row.browser_hash,
        expiresAt: row.expires_at,
      }
    );
  }

  async exchangeCode(
    client: ProofArgs,
    input: {
      codeHash: string;
      redirectUri: string;
      verifierChallenge: string;
      refreshHash: string;
      refreshTtl: number;
    },
  ): Promise<GrantResult<ExchangeRefusal>> {
    const [row] = await this.db.query<GrantColumns>(
      'SELECT * FROM oauth_exchange_code($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [
        ...this.principal(client),
        input.codeHash,
        input.redirectUri,
        input.verifierChallenge,
        input.refreshHash,
        input.refreshTtl,
      ],
    );
    return grantFrom(row);
  }

  async rotateRefresh(
    client: ProofArgs,
    input: { tokenHash: string; scope: string | undefined; newHash: string; ttl: number },
  ): Promise<GrantResult<RotateRefusal>> {
    const [row] = await this.db.query<GrantColumns>(
      'SELECT * FROM oauth_rotate_refresh($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [...this.principal(client), input.tokenHash, input.scope ?? null, input.newHash, input.ttl],
    );
    return grantFrom(row);
  }

  /** For /userinfo: the state of an access token's grant (undefined: no such grant). */
  async accessTokenState(jti: string, grantId: string): Promise<AccessTokenState | undefined> {
    const [row] = await this.db.query<AccessStateColumns>(
      'SELECT * FROM oauth_access_token_state($1, $2)',
      [jti, grantId],
    );
    return (
      row && {
        active: row.active,
        clientId: row.client_id,
        agentId: row.agent_id,
        userEmail: row.user_email,
        userName: row.user_name,
        emailVerified: row.email_verified === true,
      }
    );
  }

  /** RFC 7662: the token, if it is the calling client's. */
  async introspect(
    client: ProofArgs,
    token: TokenReference,
  ): Promise<Outcome<'ok'> & { token: IntrospectedToken | undefined }> {
    const [row] = await this.db.query<
      OutcomeColumns & {
        token_type: IntrospectedToken['tokenType'] | null;
        active: boolean | null;
        agent_id: string | null;
        scope: string | null;
        model: string | null;
        issued_at: Date | null;
        expires_at: Date | null;
      }
    >('SELECT * FROM oauth_introspect($1, $2, $3, $4, $5, $6, $7, $8)', [
      ...this.principal(client),
      token.access?.jti ?? null,
      token.access?.grantId ?? null,
      token.refreshHash ?? null,
    ]);
    if (!row) throw new Error('oauth_introspect returned no row');
    const base = {
      outcome: row.outcome as Outcome<'ok'>['outcome'],
      retryAfter: row.retry_after ?? 0,
    };
    if (!row.token_type) return { ...base, token: undefined };
    const common = { active: row.active === true, agentId: row.agent_id ?? '' };
    return {
      ...base,
      token:
        row.token_type === 'access_token'
          ? { tokenType: 'access_token', ...common }
          : {
              tokenType: 'refresh_token',
              ...common,
              scope: row.scope ?? '',
              model: row.model ?? '',
              issuedAt: row.issued_at as Date,
              expiresAt: row.expires_at as Date,
            },
    };
  }

  /** RFC 7009: revokes the calling client's token; `revoked` says which kind was found. */
  async revoke(
    client: ProofArgs,
    token: TokenReference,
  ): Promise<Outcome<'ok'> & { revoked: IntrospectedToken['tokenType'] | undefined }> {
    const [row] = await this.db.query<OutcomeColumns & { revoked: string | null }>(
      'SELECT * FROM oauth_revoke($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [
        ...this.principal(client),
        token.access?.jti ?? null,
        token.access?.grantId ?? null,
        token.access?.expiresAt ?? null,
        token.refreshHash ?? null,
      ],
    );
    return {
      outcome: (row?.outcome ?? 'ok') as Outcome<'ok'>['outcome'],
      retryAfter: row?.retry_after ?? 0,
      revoked: (row?.revoked ?? undefined) as IntrospectedToken['tokenType'] | undefined,
    };
  }
}
