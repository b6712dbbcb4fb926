import * as oauth from 'oauth4webapi';
import { internalsOf, type WebsiteClient } from './client.js';
import { toAuthAgentError } from './oauth-errors.js';
import { type TokenSet, toTokenSet } from './tokens.js';

/**
 * Exchanges a refresh token for new tokens. The server rotates refresh tokens: store the
 * new one and forget the old; presenting an old one revokes the whole grant.
 *
 * @param client - from {@link discover}
 * @param refreshToken - the current refresh token
 * @throws {@link AuthAgentError} `oauth_error` (`invalid_grant` when revoked, expired or reused)
 */
export async function refresh(client: WebsiteClient, refreshToken: string): Promise<TokenSet> {
  const { as, client: oauthClient, auth, http } = internalsOf(client);
  try {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      oauthClient,
      auth,
      refreshToken,
      http,
    );
    const tokens = toTokenSet(await oauth.processRefreshTokenResponse(as, oauthClient, response));
    return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
  } catch (error) {
    throw toAuthAgentError(error, 'The refresh');
  }
}

/**
 * Revokes a token (RFC 7009). Revoking the refresh token ends the whole grant; call it on
 * sign-out. Unknown tokens succeed silently, as the RFC requires.
 *
 * @param client - from {@link discover}
 * @param token - an access or refresh token
 * @param hint - which kind `token` is, to speed up the server's lookup
 */
export async function revoke(
  client: WebsiteClient,
  token: string,
  hint?: 'access_token' | 'refresh_token',
): Promise<void> {
  const { as, client: oauthClient, auth, http } = internalsOf(client);
  try {
    const response = await oauth.revocationRequest(as, oauthClient, auth, token, {
      ...http,
      ...(hint ? { additionalParameters: { token_type_hint: hint } } : {}),
    });
    await oauth.processRevocationResponse(response);
  } catch (error) {
    throw toAuthAgentError(error, 'The revocation');
  }
}
