import type { SqlExecutor } from './driver.js';

/** A self-registered client as stored (src/clients/ validates it first). */
export interface StoredClient {
  clientId: string;
  /** PBKDF2 hash of the secret; only when CLIENT_REGISTRATION_SECRETS allows one. */
  secretHash: string | null;
  name: string;
  redirectUris: string[];
  authMethod: string;
  grantTypes: string[];
  jwks: unknown;
  jwksUri: string | null;
}

/** A registration as RFC 7591 §3.2.1 answers it, without secrets (oauth_registration_json). */
export interface RegistrationRecord {
  client_id: string;
  client_name: string;
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  grant_types: string[];
  jwks?: unknown;
  jwks_uri?: string;
  client_id_issued_at: number;
}

export type RegistrationOutcome =
  | { outcome: 'ok'; registration: RegistrationRecord }
  | { outcome: 'invalid_token' | 'method_changed' };

function asJson(client: StoredClient) {
  return JSON.stringify({
    client_id: client.clientId,
    secret_hash: client.secretHash,
    name: client.name,
    redirect_uris: client.redirectUris,
    token_endpoint_auth_method: client.authMethod,
    grant_types: client.grantTypes,
    jwks: client.jwks,
    jwks_uri: client.jwksUri,
  });
}

function outcomeOf(row: { outcome: string; registration: RegistrationRecord | null } | undefined) {
  if (row?.outcome === 'ok' && row.registration)
    return { outcome: 'ok', registration: row.registration } as const;
  const refused = row?.outcome === 'method_changed' ? 'method_changed' : 'invalid_token';
  return { outcome: refused } as const;
}

/**
 * Clients that register themselves: RFC 7591 registration, RFC 7592 management by
 * registration access token (only its SHA-256 is passed), metadata documents, and the keys
 * of private_key_jwt clients. One call to one function of
 * migrations/functions/11-client-registration.sql each.
 */
export class RegistrationStore {
  constructor(private readonly db: SqlExecutor) {}

  async register(input: {
    client: StoredClient;
    registrationTokenHash: string;
    /** Set when CLIENT_REGISTRATION=token: the initial access token's hash (or null). */
    initialToken: { required: boolean; hash: string | null };
  }): Promise<RegistrationOutcome> {
    const [row] = await this.db.query<{ outcome: string; registration: RegistrationRecord }>(
      'SELECT * FROM oauth_register_client($1, $2, $3::jsonb, $4)',
      [
        input.initialToken.hash,
        input.initialToken.required,
        asJson(input.client),
        input.registrationTokenHash,
      ],
    );
    return outcomeOf(row);
  }

  async read(clientId: string, tokenHash: string): Promise<RegistrationRecord | undefined> {
    const [row] = await this.db.query<{ registration: RegistrationRecord | null }>(
      'SELECT oauth_registration_read($1, $2) AS registration',
      [clientId, tokenHash],
    );
    return row?.registration ?? undefined;
  }

  async update(
    clientId: string,
    tokenHash: string,
    client: StoredClient,
  ): Promise<RegistrationOutcome> {
    const [row] = await this.db.query<{ outcome: string; registration: RegistrationRecord }>(
      'SELECT * FROM oauth_registration_update($1, $2, $3::jsonb)',
      [clientId, tokenHash, asJson(client)],
    );
    return outcomeOf(row);
  }

  async delete(clientId: string, tokenHash: string): Promise<boolean> {
    const [row] = await this.db.query<{ deleted: boolean }>(
      'SELECT oauth_registration_delete($1, $2) AS deleted',
      [clientId, tokenHash],
    );
    return row?.deleted === true;
  }

  /** Creates or refreshes the client a metadata document describes. */
  async upsertFromDocument(client: StoredClient): Promise<'ok' | 'conflict'> {
    const [row] = await this.db.query<{ outcome: 'ok' | 'conflict' }>(
      'SELECT oauth_metadata_client_upsert($1::jsonb) AS outcome',
      [asJson(client)],
    );
    return row?.outcome ?? 'conflict';
  }

  /** The registered keys of a private_key_jwt client; undefined for any other client. */
  async clientKeys(
    clientId: string,
  ): Promise<{ jwks: unknown; jwksUri: string | null } | undefined> {
    const [row] = await this.db.query<{ jwks: unknown; jwks_uri: string | null }>(
      'SELECT * FROM oauth_client_keys($1)',
      [clientId],
    );
    return row && { jwks: row.jwks, jwksUri: row.jwks_uri };
  }
}

/** An initial access token (its hash) for POST /register; `db` may carry a user context. */
export async function createRegistrationToken(
  db: SqlExecutor,
  input: { tokenHash: string; ttlSeconds: number; uses: number },
): Promise<Date> {
  const [row] = await db.query<{ expires_at: Date }>(
    'SELECT app_create_registration_token($1, $2, $3) AS expires_at',
    [input.tokenHash, input.ttlSeconds, input.uses],
  );
  if (!row) throw new Error('registration token was not created');
  return row.expires_at;
}

/** The operator gives an ownerless dynamically registered client to `ownerId` (privileged). */
export async function claimClientFor(
  privileged: SqlExecutor,
  ownerId: string,
  clientId: string,
  tokenHash: string,
): Promise<boolean> {
  const [row] = await privileged.query<{ claimed: boolean }>(
    'SELECT oauth_claim_client($1, $2, $3) AS claimed',
    [ownerId, clientId, tokenHash],
  );
  return row?.claimed === true;
}

/** The owner in `tx`'s console session takes an ownerless dynamically registered client. */
export async function claimClient(
  tx: SqlExecutor,
  clientId: string,
  tokenHash: string,
): Promise<boolean> {
  const [row] = await tx.query<{ claimed: boolean }>('SELECT app_claim_client($1, $2) AS claimed', [
    clientId,
    tokenHash,
  ]);
  return row?.claimed === true;
}
