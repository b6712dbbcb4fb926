import { basicAuth, type HttpClient, json } from '../load/http.js';

/**
 * The two endpoints compared with oidc-provider. Both servers are driven by the same code:
 * only the paths and the tokens differ.
 */
export interface TokenEndpointTarget {
  http: HttpClient;
  tokenPath: string;
  introspectionPath: string;
  clientId: string;
  clientSecret: string;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * Refresh with rotation: each virtual client spends its token and keeps the new one.
 * `chains` is updated in place, so a later run continues each family instead of replaying
 * a spent token (which would, rightly, revoke the family).
 */
export function refreshGrant(target: TokenEndpointTarget, chains: string[]) {
  const authorization = basicAuth(target.clientId, target.clientSecret);
  return async (vu: number) => {
    const current = chains[vu];
    if (!current) throw new Error(`no refresh token for client ${vu}`);
    const response = await target.http.expect(
      {
        method: 'POST',
        path: target.tokenPath,
        headers: { 'content-type': FORM, authorization },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: current,
        }).toString(),
      },
      200,
    );
    const next = json<{ refresh_token?: string }>(response).refresh_token;
    if (!next || next === current) throw new Error('refresh token was not rotated');
    chains[vu] = next;
  };
}

/** Introspection (RFC 7662) of a valid access token, which must come back active. */
export function introspection(target: TokenEndpointTarget, accessTokens: string[]) {
  const authorization = basicAuth(target.clientId, target.clientSecret);
  return async (vu: number) => {
    const token = accessTokens[vu % accessTokens.length];
    if (!token) throw new Error('no access token to introspect');
    const response = await target.http.expect(
      {
        method: 'POST',
        path: target.introspectionPath,
        headers: { 'content-type': FORM, authorization },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      },
      200,
    );
    if (!response.text.includes('"active":true')) throw new Error('token was not active');
  };
}
