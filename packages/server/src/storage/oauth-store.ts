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
  PresentedProof,
  RequestState,
  RequestStatus,
  ResourceRefusal,
  RotateRefusal,
  SignInOutcome,
  TokenReference,
} from './oauth-records.js';
import {
  type AccessStateColumns,
  firstSignInFrom,
  type GrantColumns,
  grantFrom,
  type IntrospectionColumns,
  introspectionFrom,
  proofParams,
} from './oauth-rows.js';
import type { BeginResult, ProofArgs } from './principal-store.js';
import {
  type BeginColumns,
  beginResult,
  type OutcomeColumns,
  type PrincipalStore,
} from './principal-store.js';

export type * from './oauth-records.js';

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
    const [row] = await this.db.query<
      OutcomeColumns & { first_sign_in: Record<string, unknown> | null }
    >('SELECT * FROM oauth_complete_request($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
      ...this.principal(agent),
      input.requestHash,
      input.model,
      input.codeHash,
      input.codeTtl,
      input.maxAttempts,
    ]);
    return {
      outcome: (row?.outcome ?? 'not_found') as SignInOutcome['outcome'],
      retryAfter: row?.retry_after ?? 0,
      firstSignIn: firstSignInFrom(row?.first_sign_in ?? null),
    };
  }

  /** Stores the request when its client and exact redirect URI check out, in one call. */
  async createRequest(r: NewRequest): Promise<CreatedRequest> {
    const [row] = await this.db.query<{
      outcome: ClientCheck | ResourceRefusal;
      expires_at: Date | null;
      client_name: string | null;
      client_registration: ClientRegistrationKind | null;
    }>('SELECT * FROM oauth_create_request($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)', [
      r.clientId,
      r.redirectUri,
      r.requestHash,
      r.state,
      r.codeChallenge,
      r.scope,
      r.browserHash,
      r.ttlSeconds,
      r.nonce ?? null,
      r.resources,
      r.resourceScopes,
    ]);
    if (row?.outcome === 'ok' && row.expires_at)
      return {
        outcome: 'ok',
        expiresAt: row.expires_at,
        clientName: row.client_name ?? '',
        registration: row.client_registration ?? 'owner',
      };
    const refused = row?.outcome;
    return {
      outcome:
        refused === 'redirect_mismatch' ||
        refused === 'invalid_target' ||
        refused === 'invalid_scope'
          ? refused
          : 'unknown_client',
    };
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
      proof: PresentedProof | undefined;
      /** RFC 8707 §2.2: the one granted resource the token is for; else all of them. */
      resource: string | undefined;
    },
  ): Promise<GrantResult<ExchangeRefusal>> {
    const [row] = await this.db.query<GrantColumns>(
      'SELECT * FROM oauth_exchange_code($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)',
      [
        ...this.principal(client),
        input.codeHash,
        input.redirectUri,
        input.verifierChallenge,
        input.refreshHash,
        input.refreshTtl,
        ...proofParams(input.proof),
        input.resource ?? null,
      ],
    );
    return grantFrom(row);
  }

  async rotateRefresh(
    client: ProofArgs,
    input: {
      tokenHash: string;
      scope: string | undefined;
      newHash: string;
      ttl: number;
      proof: PresentedProof | undefined;
      /** RFC 8707 §2.2: narrows the token to one granted resource. */
      resource: string | undefined;
      /** Seconds in which the same token again is a retry, not reuse (REFRESH_RETRY_WINDOW). */
      retryWindow: number;
    },
  ): Promise<GrantResult<RotateRefusal> & { retried: boolean }> {
    const [row] = await this.db.query<GrantColumns & { retried: boolean | null }>(
      'SELECT * FROM oauth_rotate_refresh($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)',
      [
        ...this.principal(client),
        input.tokenHash,
        input.scope ?? null,
        input.newHash,
        input.ttl,
        ...proofParams(input.proof),
        input.resource ?? null,
        input.retryWindow,
      ],
    );
    return { ...grantFrom<RotateRefusal>(row), retried: row?.retried === true };
  }

  /**
   * For /userinfo: the state of an access token's grant (undefined: no such grant), and
   * whether the request's DPoP proof is new (it is remembered in the same call).
   */
  async accessTokenState(
    jti: string,
    grantId: string,
    proof: PresentedProof | undefined,
  ): Promise<AccessTokenState | undefined> {
    const [row] = await this.db.query<AccessStateColumns>(
      'SELECT * FROM oauth_access_token_state($1, $2, $3, $4)',
      [jti, grantId, ...proofParams(proof).slice(1)],
    );
    return (
      row && {
        active: row.active,
        clientId: row.client_id,
        agentId: row.agent_id,
        userEmail: row.user_email,
        userName: row.user_name,
        emailVerified: row.email_verified === true,
        dpopFresh: row.dpop_fresh,
      }
    );
  }

  /** RFC 7662: the token, if it is the calling client's. */
  async introspect(
    client: ProofArgs,
    token: TokenReference,
  ): Promise<Outcome<'ok'> & { token: IntrospectedToken | undefined }> {
    const [row] = await this.db.query<IntrospectionColumns>(
      'SELECT * FROM oauth_introspect($1, $2, $3, $4, $5, $6, $7, $8)',
      [
        ...this.principal(client),
        token.access?.jti ?? null,
        token.access?.grantId ?? null,
        token.refreshHash ?? null,
      ],
    );
    return introspectionFrom(row);
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
