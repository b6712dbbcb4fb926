import type { LockoutState } from '../security/lockout.js';

/** The shapes the OAuth store takes and returns (oauth-store.ts). */

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

/** A principal row with its lockout state, fetched together for a secret check. */
export interface ForAuthentication<Row> {
  row: Row | undefined;
  lock: LockoutState | null;
}

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

/**
 * A principal whose presented secret this process verified before (SecretVerifier). The
 * database re-checks its secret_version, `disabled` and lockout in the same call as the
 * work, and answers 'principal_changed' without doing anything when one no longer holds.
 */
export interface RememberedPrincipal {
  publicId: string;
  lockoutKey: string;
  secretVersion: number;
}

/** Which client a grant call acts for: a row already authenticated, or a remembered one. */
export type ClientBinding = { ref: string } | { remembered: RememberedPrincipal };

export type ExchangeOutcome =
  | 'ok'
  | 'principal_changed'
  | 'invalid'
  | 'expired'
  | 'replayed'
  | 'redirect_mismatch'
  | 'pkce_mismatch'
  | 'agent_disabled';

export type RotateOutcome =
  | 'ok'
  | 'principal_changed'
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
