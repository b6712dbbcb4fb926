import type { OperationResult, PrincipalOutcome } from './principal-store.js';

/** The shapes the OAuth store takes and returns (oauth-store.ts). */

export type RequestStatus = 'pending' | 'authenticated' | 'expired' | 'denied';

export interface RequestState {
  status: RequestStatus;
  redirectUri: string;
  state: string;
  browserHash: string;
  expiresAt: Date;
}

export interface NewRequest {
  clientId: string;
  redirectUri: string;
  requestHash: string;
  state: string;
  codeChallenge: string;
  scope: string;
  browserHash: string;
  ttlSeconds: number;
  /** OpenID Connect nonce, returned in the ID token. */
  nonce: string | undefined;
  /** RFC 8707 resource indicators: the APIs the grant is for (none: the client's own). */
  resources: string[];
  /** The requested scopes that are an API's, which the named APIs must define. */
  resourceScopes: string[];
}

/** Why the database refused the resources a request names (RFC 8707 §2). */
export type ResourceRefusal = 'invalid_target' | 'invalid_scope';

/** Why an authorization request's client or redirect URI cannot be used. */
export type ClientCheck = 'ok' | 'unknown_client' | 'redirect_mismatch';

/** Who registered a client: an owner, the client itself (RFC 7591), or its metadata document. */
export type ClientRegistrationKind = 'owner' | 'dynamic' | 'metadata_document';

export type CreatedRequest =
  | { outcome: 'ok'; expiresAt: Date; clientName: string; registration: ClientRegistrationKind }
  | { outcome: Exclude<ClientCheck, 'ok'> | ResourceRefusal };

/** An operation's own outcome, or the principal check's (auth/principal-call.ts). */
export type Outcome<Own extends string> = OperationResult & { outcome: Own | PrincipalOutcome };

/**
 * An agent's first successful sign-in at a website (and at the APIs in `resources`), decided
 * in the sign-in's own call (sign_in_first_seen), and where its owner asked to be told.
 */
export interface FirstSignIn {
  agentRef: string;
  agentId: string;
  agentName: string | null;
  clientId: string;
  clientName: string;
  /** The RFC 8707 resources named for the first time with this website (none: the website). */
  resources: string[];
  at: Date;
  /** The owner's verified account email, when they asked for mail. */
  mailTo: string | null;
  webhookUrl: string | null;
  /** The webhook's signing secret, sealed under KEY_ENCRYPTION_KEY with agentRef as label. */
  sealedWebhookSecret: string | null;
}

export type SignInOutcome = Outcome<
  'ok' | 'not_found' | 'website_not_allowed' | 'api_not_allowed' | RequestStatus
> & {
  firstSignIn?: FirstSignIn | undefined;
};

/** A live grant as the token endpoint needs it to mint tokens. */
export interface IssuedGrant {
  grantId: string;
  agentId: string;
  scope: string;
  model: string;
  /** When the agent signed in. */
  authTime: Date;
  /** The authentication request's nonce: on a code exchange only. */
  nonce: string | null;
  /** The person the agent acts for (the ID token's claims). */
  user: { email: string; name: string | null; emailVerified: boolean };
  /** RFC 8707: the resources the access token is for; empty: the client's own token. */
  audience: string[];
}

/** A DPoP proof that came with a request, as the database call takes it (RFC 9449). */
export interface PresentedProof {
  jkt: string;
  replayKey: string;
  replayUntil: Date;
}

/** Either the grant, or the reason there is none. */
export type GrantResult<Refusal extends string> =
  | (OperationResult & { outcome: 'ok' } & IssuedGrant)
  | (OperationResult & { outcome: Refusal | PrincipalOutcome });

export type ExchangeRefusal =
  | 'invalid'
  | 'expired'
  | 'replayed'
  | 'redirect_mismatch'
  | 'pkce_mismatch'
  | 'agent_disabled'
  | 'dpop_replay'
  | 'invalid_target'
  | 'api_not_allowed';

export type RotateRefusal =
  | 'invalid'
  | 'invalid_scope'
  | 'invalid_target'
  | 'reused'
  | 'revoked'
  | 'expired'
  | 'agent_disabled'
  | 'dpop_replay'
  | 'dpop_mismatch'
  | 'api_not_allowed';

/** The agent fields are null for a client's own token (client_credentials). */
export interface AccessTokenState {
  active: boolean;
  clientId: string;
  agentId: string | null;
  userEmail: string | null;
  userName: string | null;
  emailVerified: boolean;
  /** False when the request's DPoP proof was seen before (RFC 9449 §11.1). */
  dpopFresh: boolean;
}

/** Introspection's view of a token that belongs to the asking client (RFC 7662 §2.2). */
export type IntrospectedToken =
  | { tokenType: 'access_token'; active: boolean; agentId: string }
  | {
      tokenType: 'refresh_token';
      active: boolean;
      agentId: string;
      scope: string;
      model: string;
      issuedAt: Date;
      expiresAt: Date;
    };

/** Identifies a token the way the database can find it: an access token by its verified
 * `jti` and `gid` claims, a refresh token by its hash. */
export interface TokenReference {
  access?: { jti: string; grantId: string; expiresAt: Date } | undefined;
  refreshHash?: string | undefined;
}
