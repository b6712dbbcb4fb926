import type * as oauth from 'oauth4webapi';

/** Tokens a website holds for a signed-in agent. Keep them server-side or in HttpOnly cookies. */
export interface TokenSet {
  /** The access token (a JWT today; treat it as opaque). */
  accessToken: string;
  /** The refresh token, rotated on every use. */
  refreshToken: string | undefined;
  /** When the access token expires, in seconds since the epoch. */
  expiresAt: number | undefined;
  /** The granted scope. */
  scope: string | undefined;
  /** Always `bearer`. */
  tokenType: string;
}

/** @internal Converts a token endpoint response (RFC 6749 §5.1) into a {@link TokenSet}. */
export function toTokenSet(response: oauth.TokenEndpointResponse, now = Date.now()): TokenSet {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresAt:
      typeof response.expires_in === 'number'
        ? Math.floor(now / 1000) + response.expires_in
        : undefined,
    scope: response.scope,
    tokenType: response.token_type,
  };
}

/**
 * True when the access token has expired or will within `leewaySeconds`.
 *
 * @param tokens - the stored tokens
 * @param leewaySeconds - refresh this early; default 30
 */
export function isExpired(tokens: Pick<TokenSet, 'expiresAt'>, leewaySeconds = 30): boolean {
  return tokens.expiresAt !== undefined && tokens.expiresAt - leewaySeconds <= Date.now() / 1000;
}
