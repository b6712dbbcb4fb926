import type { SqlExecutor } from './driver.js';

export interface ClientRecord {
  id: string;
  clientId: string;
  secretHash: string | null;
  secretVersion: number;
  name: string;
  redirectUris: string[];
  disabled: boolean;
}

export interface AgentRecord {
  id: string;
  agentId: string;
  secretHash: string;
  secretVersion: number;
  disabled: boolean;
}

export type RequestStatus = 'pending' | 'authenticated' | 'expired' | 'denied';

export interface RequestState {
  status: RequestStatus;
  redirectUri: string;
  state: string;
  browserHash: string;
  expiresAt: Date;
}

export interface NewRequest {
  requestHash: string;
  clientRef: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scope: string;
  browserHash: string;
  ttlSeconds: number;
}

export type CompleteOutcome = 'ok' | 'not_found' | 'expired' | 'authenticated' | 'denied';

/** A live grant as the token endpoint needs it to mint tokens. */
export interface IssuedGrant {
  grantId: string;
  agentId: string;
  scope: string;
  model: string;
}

/** Either the grant, or the reason there is none. */
export type GrantResult<Outcome extends string> =
  | ({ outcome: 'ok' } & IssuedGrant)
  | { outcome: Exclude<Outcome, 'ok'> };

export type ExchangeOutcome =
  | 'ok'
  | 'invalid'
  | 'expired'
  | 'replayed'
  | 'redirect_mismatch'
  | 'pkce_mismatch'
  | 'agent_disabled';

export type RotateOutcome =
  | 'ok'
  | 'invalid'
  | 'invalid_scope'
  | 'reused'
  | 'revoked'
  | 'expired'
  | 'agent_disabled';

export interface AccessTokenState {
  active: boolean;
  clientId: string;
  agentId: string;
  userEmail: string;
  userName: string | null;
  emailVerified: boolean;
}

export interface RefreshTokenState {
  active: boolean;
  clientId: string;
  agentId: string;
  scope: string;
  model: string;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * Everything the OAuth endpoints may do to the database, phrased as domain steps. Each
 * call is one round trip to one SECURITY DEFINER function (002_oauth_functions.sql).
 */
export class OAuthStore {
  constructor(private readonly db: SqlExecutor) {}

  async findClient(clientId: string): Promise<ClientRecord | undefined> {
    const [row] = await this.db.query<{
      id: string;
      client_id: string;
      secret_hash: string | null;
      secret_version: number;
      name: string;
      redirect_uris: string[];
      disabled: boolean;
    }>('SELECT * FROM oauth_client($1)', [clientId]);
    return (
      row && {
        id: row.id,
        clientId: row.client_id,
        secretHash: row.secret_hash,
        secretVersion: row.secret_version,
        name: row.name,
        redirectUris: row.redirect_uris,
        disabled: row.disabled,
      }
    );
  }

  async findAgent(agentId: string): Promise<AgentRecord | undefined> {
    const [row] = await this.db.query<{
      id: string;
      agent_id: string;
      secret_hash: string;
      secret_version: number;
      disabled: boolean;
    }>('SELECT * FROM oauth_agent($1)', [agentId]);
    return (
      row && {
        id: row.id,
        agentId: row.agent_id,
        secretHash: row.secret_hash,
        secretVersion: row.secret_version,
        disabled: row.disabled,
      }
    );
  }

  async createRequest(r: NewRequest): Promise<Date> {
    const [row] = await this.db.query<{ expires_at: Date }>(
      'SELECT oauth_create_request($1, $2, $3, $4, $5, $6, $7, $8) AS expires_at',
      [
        r.requestHash,
        r.clientRef,
        r.redirectUri,
        r.state,
        r.codeChallenge,
        r.scope,
        r.browserHash,
        r.ttlSeconds,
      ],
    );
    if (!row) throw new Error('request was not stored');
    return row.expires_at;
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

  /** Returns the request's status after counting the failure, or undefined if not pending. */
  async recordFailedAttempt(requestHash: string, maxAttempts: number): Promise<string | undefined> {
    const [row] = await this.db.query<{ status: string | null }>(
      'SELECT oauth_record_failed_attempt($1, $2) AS status',
      [requestHash, maxAttempts],
    );
    return row?.status ?? undefined;
  }

  async completeRequest(
    requestHash: string,
    agentRef: string,
    model: string,
    codeHash: string,
    codeTtl: number,
  ): Promise<CompleteOutcome> {
    const [row] = await this.db.query<{ outcome: CompleteOutcome }>(
      'SELECT oauth_complete_request($1, $2, $3, $4, $5) AS outcome',
      [requestHash, agentRef, model, codeHash, codeTtl],
    );
    return row?.outcome ?? 'not_found';
  }

  async exchangeCode(input: {
    codeHash: string;
    clientRef: string;
    redirectUri: string;
    verifierChallenge: string;
    refreshHash: string;
    refreshTtl: number;
  }): Promise<GrantResult<ExchangeOutcome>> {
    return this.grantCall('SELECT * FROM oauth_exchange_code($1, $2, $3, $4, $5, $6)', [
      input.codeHash,
      input.clientRef,
      input.redirectUri,
      input.verifierChallenge,
      input.refreshHash,
      input.refreshTtl,
    ]);
  }

  async rotateRefresh(input: {
    tokenHash: string;
    clientRef: string;
    scope: string | undefined;
    newHash: string;
    ttl: number;
  }): Promise<GrantResult<RotateOutcome>> {
    return this.grantCall('SELECT * FROM oauth_rotate_refresh($1, $2, $3, $4, $5)', [
      input.tokenHash,
      input.clientRef,
      input.scope ?? null,
      input.newHash,
      input.ttl,
    ]);
  }

  private async grantCall<Outcome extends string>(
    text: string,
    params: unknown[],
  ): Promise<GrantResult<Outcome>> {
    const [row] = await this.db.query<{
      outcome: Outcome;
      grant_id: string | null;
      agent_id: string | null;
      scope: string | null;
      model: string | null;
    }>(text, params);
    if (!row) throw new Error('grant function returned no row');
    if (row.outcome !== 'ok') return { outcome: row.outcome as Exclude<Outcome, 'ok'> };
    return {
      outcome: 'ok',
      grantId: row.grant_id ?? '',
      agentId: row.agent_id ?? '',
      scope: row.scope ?? '',
      model: row.model ?? '',
    };
  }

  async accessTokenState(jti: string, grantId: string): Promise<AccessTokenState | undefined> {
    const [row] = await this.db.query<{
      active: boolean;
      client_id: string;
      agent_id: string;
      user_email: string;
      user_name: string | null;
      email_verified: boolean;
    }>('SELECT * FROM oauth_access_token_state($1, $2)', [jti, grantId]);
    return (
      row && {
        active: row.active,
        clientId: row.client_id,
        agentId: row.agent_id,
        userEmail: row.user_email,
        userName: row.user_name,
        emailVerified: row.email_verified,
      }
    );
  }

  async refreshTokenState(tokenHash: string): Promise<RefreshTokenState | undefined> {
    const [row] = await this.db.query<{
      active: boolean;
      client_id: string;
      agent_id: string;
      scope: string;
      model: string;
      issued_at: Date;
      expires_at: Date;
    }>('SELECT * FROM oauth_refresh_token_state($1)', [tokenHash]);
    return (
      row && {
        active: row.active,
        clientId: row.client_id,
        agentId: row.agent_id,
        scope: row.scope,
        model: row.model,
        issuedAt: row.issued_at,
        expiresAt: row.expires_at,
      }
    );
  }

  /** Revokes the family of a refresh token owned by the client; false if not theirs or unknown. */
  async revokeRefreshFamily(tokenHash: string, clientRef: string): Promise<boolean> {
    const [row] = await this.db.query<{ found: boolean }>(
      'SELECT oauth_revoke_refresh($1, $2) AS found',
      [tokenHash, clientRef],
    );
    return row?.found ?? false;
  }

  async revokeAccessToken(
    jti: string,
    grantId: string,
    clientRef: string,
    expiresAt: Date,
  ): Promise<boolean> {
    const [row] = await this.db.query<{ found: boolean }>(
      'SELECT oauth_revoke_access($1, $2, $3, $4) AS found',
      [jti, grantId, clientRef, expiresAt],
    );
    return row?.found ?? false;
  }
}
