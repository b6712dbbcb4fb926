/** A verified access token: who the agent is, for which client, until when. */
export interface VerifiedAccessToken {
  /** The agent id (`sub`). */
  agentId: string;
  /** The client (website, app) the token was issued to (`client_id`). */
  clientId: string;
  /** Granted scopes. */
  scopes: string[];
  /** The model the agent declared, when the server reports it. */
  model: string | undefined;
  /** Expiry, in seconds since the epoch. */
  expiresAt: number;
  /** How the token was checked. */
  verifiedBy: 'jwks' | 'introspection';
  /**
   * The RFC 7638 thumbprint of the key the token is bound to (`cnf.jkt`, RFC 9449 §6), when
   * it is DPoP-bound; the request then proved possession of that key.
   */
  dpopKeyThumbprint: string | undefined;
  /** Every claim the server returned. */
  claims: Readonly<Record<string, unknown>>;
}

function boundThumbprint(cnf: unknown): string | undefined {
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = (cnf as { jkt?: unknown }).jkt;
  return typeof jkt === 'string' ? jkt : undefined;
}

/**
 * Builds the SDK's view of claims that were already verified.
 *
 * @param claims - the verified claims (JWT payload or introspection answer)
 * @param verifiedBy - how they were verified
 * @param fallbackClientId - the client to report when the claims name none
 */
export function toVerifiedAccessToken(
  claims: Record<string, unknown>,
  verifiedBy: VerifiedAccessToken['verifiedBy'],
  fallbackClientId: string,
): VerifiedAccessToken {
  return {
    agentId: String(claims.sub),
    clientId: typeof claims.client_id === 'string' ? claims.client_id : fallbackClientId,
    scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
    model: typeof claims.model === 'string' ? claims.model : undefined,
    expiresAt: Number(claims.exp),
    verifiedBy,
    dpopKeyThumbprint: boundThumbprint(claims.cnf),
    claims: Object.freeze({ ...claims }),
  };
}
