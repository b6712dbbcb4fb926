import type { LockoutState } from '../security/lockout.js';
import type { SqlExecutor } from './driver.js';
import type {
  AccessTokenState,
  AgentRecord,
  ClientBinding,
  ClientRecord,
  CompleteOutcome,
  ExchangeOutcome,
  ForAuthentication,
  GrantResult,
  NewRequest,
  RefreshTokenState,
  RememberedPrincipal,
  RequestState,
  RequestStatus,
  RotateOutcome,
} from './oauth-records.js';

export type * from './oauth-records.js';

interface ClientColumns {
  id: string;
  client_id: string;
  secret_hash: string | null;
  secret_version: number;
  name: string;
  redirect_uris: string[];
  disabled: boolean;
}

const clientFrom = (r: ClientColumns): ClientRecord => ({
  id: r.id,
  clientId: r.client_id,
  secretHash: r.secret_hash,
  secretVersion: r.secret_version,
  name: r.name,
  redirectUris: r.redirect_uris,
  disabled: r.disabled,
});

interface AgentColumns {
  id: string;
  agent_id: string;
  secret_hash: string;
  secret_version: number;
  disabled: boolean;
}

const agentFrom = (r: AgentColumns): AgentRecord => ({
  id: r.id,
  agentId: r.agent_id,
  secretHash: r.secret_hash,
  secretVersion: r.secret_version,
  disabled: r.disabled,
});

interface LockoutColumns {
  locked: boolean;
  retry_after: number | null;
  failure_count: number | null;
}

const lockFrom = (r: LockoutColumns): LockoutState | null =>
  r.failure_count === null ? null : { locked: r.locked, retryAfter: r.retry_after ?? 0 };

interface AccessStateColumns {
  active: boolean;
  client_id: string;
  agent_id: string;
  user_email: string;
  user_name: string | null;
  email_verified: boolean;
}

const accessStateFrom = (row: AccessStateColumns): AccessTokenState => ({
  active: row.active,
  clientId: row.client_id,
  agentId: row.agent_id,
  userEmail: row.user_email,
  userName: row.user_name,
  emailVerified: row.email_verified,
});

/**
 * Everything the OAuth endpoints may do to the database, phrased as domain steps. Each
 * call is one round trip to one SECURITY DEFINER function (002_oauth_functions.sql).
 */
export class OAuthStore {
  constructor(private readonly db: SqlExecutor) {}

  async findClient(clientId: string): Promise<ClientRecord | undefined> {
    const [row] = await this.db.query<ClientColumns>('SELECT * FROM oauth_client($1)', [clientId]);
    return row && clientFrom(row);
  }

  /** The client and its lockout state in one round trip (006_single_round_trip.sql). */
  async clientForAuth(
    clientId: string,
    lockoutKey: string,
  ): Promise<ForAuthentication<ClientRecord>> {
    return this.forAuthentication(
      'SELECT * FROM oauth_client_auth($1, $2)',
      [clientId, lockoutKey],
      clientFrom,
    );
  }

  /**
   * The sign-in request's status (undefined: unknown), the agent and its lockout state in one
   * round trip (008_agent_sign_in_one_call.sql).
   */
  async agentForRequest(
    agentId: string,
    lockoutKey: string,
    requestHash: string,
  ): Promise<ForAuthentication<AgentRecord> & { requestStatus: RequestStatus | undefined }> {
    const { columns, ...found } = await this.forAuthentication<
      AgentColumns & { request_status: RequestStatus | null },
      AgentRecord
    >(
      'SELECT * FROM oauth_agent_auth_for_request($1, $2, $3)',
      [agentId, lockoutKey, requestHash],
      agentFrom,
    );
    return { ...found, requestStatus: columns.request_status ?? undefined };
  }

  /** These functions always answer one row; `id` is null when the principal does not exist. */
  private async forAuthentication<Columns extends { id: string | null }, Row>(
    text: string,
    params: unknown[],
    toRecord: (columns: Columns & { id: string }) => Row,
  ): Promise<ForAuthentication<Row> & { columns: Columns }> {
    const [r] = await this.db.query<Columns & LockoutColumns>(text, params);
    if (!r) throw new Error(`${text} returned no row`);
    const row = r.id === null ? undefined : toRecord(r as Columns & { id: string });
    return { row, lock: lockFrom(r), columns: r };
  }

  /**
   * Stores the request when `clientId` is an enabled client that registered exactly
   * `redirectUri`, in one round trip (008_agent_sign_in_one_call.sql); undefined when it is
   * not, and nothing was stored.
   */
  async createRequestFor(
    clientId: string,
    r: Omit<NewRequest, 'clientRef'>,
  ): Promise<{ expiresAt: Date; clientId: string; clientName: string } | undefined> {
    const [row] = await this.db.query<{ expires_at: Date; client_id: string; client_name: string }>(
      'SELECT * FROM oauth_create_request_for($1, $2, $3, $4, $5, $6, $7, $8)',
      [
        clientId,
        r.redirectUri,
        r.requestHash,
        r.state,
        r.codeChallenge,
        r.scope,
        r.browserHash,
        r.ttlSeconds,
      ],
    );
    return (
      row && { expiresAt: row.expires_at, clientId: row.client_id, clientName: row.client_name }
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

  /** completeRequest for a remembered agent, in one round trip. */
  async completeRequestAs(
    agent: RememberedPrincipal,
    requestHash: string,
    model: string,
    codeHash: string,
    codeTtl: number,
  ): Promise<CompleteOutcome | 'principal_changed'> {
    const [row] = await this.db.query<{ outcome: CompleteOutcome | 'principal_changed' }>(
      'SELECT oauth_complete_request_as($1, $2, $3, $4, $5, $6, $7) AS outcome',
      [
        agent.publicId,
        agent.lockoutKey,
        agent.secretVersion,
        requestHash,
        model,
        codeHash,
        codeTtl,
      ],
    );
    return row?.outcome ?? 'not_found';
  }

  async exchangeCode(input: {
    codeHash: string;
    client: ClientBinding;
    redirectUri: string;
    verifierChallenge: string;
    refreshHash: string;
    refreshTtl: number;
  }): Promise<GrantResult<ExchangeOutcome>> {
    const rest = [
      input.codeHash,
      input.redirectUri,
      input.verifierChallenge,
      input.refreshHash,
      input.refreshTtl,
    ];
    if ('remembered' in input.client) {
      const { publicId, lockoutKey, secretVersion } = input.client.remembered;
      return this.grantCall(
        'SELECT * FROM oauth_exchange_code_as($1, $2, $3, $4, $5, $6, $7, $8)',
        [publicId, lockoutKey, secretVersion, ...rest],
      );
    }
    const [codeHash, ...after] = rest;
    return this.grantCall('SELECT * FROM oauth_exchange_code($1, $2, $3, $4, $5, $6)', [
      codeHash,
      input.client.ref,
      ...after,
    ]);
  }

  async rotateRefresh(input: {
    tokenHash: string;
    client: ClientBinding;
    scope: string | undefined;
    newHash: string;
    ttl: number;
  }): Promise<GrantResult<RotateOutcome>> {
    if ('remembered' in input.client) {
      const { publicId, lockoutKey, secretVersion } = input.client.remembered;
      return this.grantCall('SELECT * FROM oauth_rotate_refresh_as($1, $2, $3, $4, $5, $6, $7)', [
        publicId,
        lockoutKey,
        secretVersion,
        input.tokenHash,
        input.scope ?? null,
        input.newHash,
        input.ttl,
      ]);
    }
    return this.grantCall('SELECT * FROM oauth_rotate_refresh($1, $2, $3, $4, $5)', [
      input.tokenHash,
      input.client.ref,
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
    const [row] = await this.db.query<AccessStateColumns>(
      'SELECT * FROM oauth_access_token_state($1, $2)',
      [jti, grantId],
    );
    return row && accessStateFrom(row);
  }

  /**
   * A remembered client's re-check and an access token's state in one round trip, for
   * introspection. `principal_changed`: the client must authenticate in full.
   */
  async accessTokenStateAs(
    client: RememberedPrincipal,
    jti: string,
    grantId: string,
  ): Promise<
    { outcome: 'principal_changed' } | { outcome: 'ok'; state: AccessTokenState | undefined }
  > {
    const [row] = await this.db.query<{ client_ref: string | null } & AccessStateColumns>(
      'SELECT * FROM oauth_introspect_access_as($1, $2, $3, $4, $5)',
      [client.publicId, client.lockoutKey, client.secretVersion, jti, grantId],
    );
    if (!row?.client_ref) return { outcome: 'principal_changed' };
    return { outcome: 'ok', state: row.active === null ? undefined : accessStateFrom(row) };
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
