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

/** Discovery and JWKS, alternately: what a client library fetches on start-up. */
export function discoveryAndJwks(http: HttpClient) {
  let turn = 0;
  return async () => {
    const path = turn++ % 2 === 0 ? '/.well-known/openid-configuration' : '/.well-known/jwks.json';
    await http.expect({ path }, 200);
  };
}
