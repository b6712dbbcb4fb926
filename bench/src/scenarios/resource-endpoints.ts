import type { HttpClient } from '../load/http.js';

/** Userinfo with a bearer access token. */
export function userinfo(http: HttpClient, accessTokens: string[]) {
  return async (vu: number) => {
    const token = accessTokens[vu % accessTokens.length];
    if (!token) throw new Error('no access token for userinfo');
    const response = await http.expect(
      { path: '/userinfo', headers: { authorization: `Bearer ${token}` } },
      200,
    );
    if (!response.text.includes('"sub"')) throw new Error('userinfo carried no sub');
  };
}

/**
 * Discovery and JWKS, alternately: what a client library fetches on start-up. A server that
 * signs HS256 offers no OpenID Connect, so there the RFC 8414 document is fetched.
 */
export function discoveryAndJwks(http: HttpClient, signingAlg: string) {
  const discovery =
    signingAlg === 'HS256'
      ? '/.well-known/oauth-authorization-server'
      : '/.well-known/openid-configuration';
  let turn = 0;
  return async () => {
    const path = turn++ % 2 === 0 ? discovery : '/.well-known/jwks.json';
    await http.expect({ path }, 200);
  };
}
