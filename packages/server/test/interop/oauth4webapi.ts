import * as oauth from 'oauth4webapi';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentFixture, ClientFixture } from '../support/harness.js';
import { agentSignsIn, type InteropServer } from './support.js';

/** Registers this client's interop tests against the shared server of interop.test.ts. */
export function registerOauth4webapiInterop(getServer: () => InteropServer): void {
  // panva/oauth4webapi used directly, without our SDK, with OpenID Connect (requireIdToken)
  // and, as a resource server would, validateJwtAccessToken against the JWKS.
  const REDIRECT = 'http://127.0.0.1:18199/oauth4webapi/callback';
  const http = { [oauth.allowInsecureRequests]: true } as const;
  let server: InteropServer;
  let client: ClientFixture;
  let publicClient: ClientFixture;
  let agent: AgentFixture;

  beforeAll(async () => {
    server = getServer();
    const owner = await server.h.createUser();
    client = await server.h.createClient(owner.email, { redirectUris: [REDIRECT] });
    publicClient = await server.h.createClient(owner.email, {
      redirectUris: [REDIRECT],
      public: true,
    });
    agent = await server.h.createAgent(owner.email, { email: 'o4w-user@example.com' });
  });

  async function discover(): Promise<oauth.AuthorizationServer> {
    const issuer = new URL(server.issuer);
    const response = await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oidc' });
    return oauth.processDiscoveryResponse(issuer, response);
  }

  /** The browser half: returns the validated callback parameters, the verifier and nonce. */
  async function signIn(as: oauth.AuthorizationServer, c: oauth.Client) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      client_id: c.client_id,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid profile email',
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const callback = new URL(await agentSignsIn(url, agent, 'o4w-model'));
    return { callback, state, verifier, nonce };
  }

  /** A resource server's check of a request carrying the token (and proof). */
  function validate(as: oauth.AuthorizationServer, request: Request, audience = client.client_id) {
    return oauth.validateJwtAccessToken(as, request, audience, http);
  }

  describe('oauth4webapi interop', () => {
    it('OIDC code + PKCE + nonce → ID token → refresh → validateJwtAccessToken → userinfo → revoke', async () => {
      const as = await discover();
      expect(as.authorization_response_iss_parameter_supported).toBe(true);
      const c: oauth.Client = { client_id: client.client_id };
      const auth = oauth.ClientSecretBasic(client.client_secret ?? '');
      const { callback, state, verifier, nonce } = await signIn(as, c);

      // validateAuthResponse checks state and, since the server advertises it, iss (RFC 9207).
      const forged = new URL(callback);
      forged.searchParams.set('iss', 'https://evil.example');
      expect(() => oauth.validateAuthResponse(as, c, forged, state)).toThrow(/"iss"/);
      const withoutIss = new URL(callback);
      withoutIss.searchParams.delete('iss');
      expect(() => oauth.validateAuthResponse(as, c, withoutIss, state)).toThrow(/"iss"/);
      const params = oauth.validateAuthResponse(as, c, callback, state);

      const codeResponse = await oauth.authorizationCodeGrantRequest(
        as,
        c,
        auth,
        params,
        REDIRECT,
        verifier,
        http,
      );
      const tokens = await oauth.processAuthorizationCodeResponse(as, c, codeResponse, {
        expectedNonce: nonce,
        requireIdToken: true,
      });
      expect(tokens.token_type).toBe('bearer');
      expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({
        sub: agent.agent_id,
        aud: client.client_id,
        nonce,
        email: 'o4w-user@example.com',
      });

      const refreshed = await oauth.processRefreshTokenResponse(
        as,
        c,
        await oauth.refreshTokenGrantRequest(as, c, auth, tokens.refresh_token ?? '', http),
      );
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      expect(oauth.getValidatedIdTokenClaims(refreshed)?.sub).toBe(agent.agent_id);

      // An API checks the token offline, against the JWKS alone.
      const api = (token: string) =>
        new Request('https://api.example/data', { headers: { authorization: `Bearer ${token}` } });
      expect(await validate(as, api(refreshed.access_token))).toMatchObject({
        iss: server.issuer,
        sub: agent.agent_id,
        aud: client.client_id,
        client_id: client.client_id,
      });
      await expect(validate(as, api(`${refreshed.access_token}x`))).rejects.toThrow();

      const introspect = async (token: string) =>
        oauth.processIntrospectionResponse(
          as,
          c,
          await oauth.introspectionRequest(as, c, auth, token, http),
        );
      expect(await introspect(refreshed.access_token)).toMatchObject({
        active: true,
        sub: agent.agent_id,
        aud: client.client_id,
        iss: server.issuer,
        model: 'o4w-model',
      });
      // The first access token stays valid until it expires or is revoked.
      expect((await introspect(tokens.access_token)).active).toBe(true);

      const userinfo = await oauth.processUserInfoResponse(
        as,
        c,
        agent.agent_id,
        await oauth.userInfoRequest(as, c, refreshed.access_token, http),
      );
      expect(userinfo).toMatchObject({ sub: agent.agent_id, email: 'o4w-user@example.com' });

      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, c, auth, refreshed.access_token, http),
      );
      expect((await introspect(refreshed.access_token)).active).toBe(false);
      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, c, auth, refreshed.refresh_token ?? '', http),
      );
      await expect(
        oauth.processRefreshTokenResponse(
          as,
          c,
          await oauth.refreshTokenGrantRequest(as, c, auth, refreshed.refresh_token ?? '', http),
        ),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(
        oauth.processUserInfoResponse(
          as,
          c,
          agent.agent_id,
          await oauth.userInfoRequest(as, c, refreshed.access_token, http),
        ),
      ).rejects.toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    });

    it('DPoP: bound tokens for a public client, checked by validateJwtAccessToken and /userinfo', async () => {
      const as = await discover();
      expect(as.dpop_signing_alg_values_supported).toContain('ES256');
      const c: oauth.Client = { client_id: publicClient.client_id };
      const DPoP = oauth.DPoP(c, await oauth.generateKeyPair('ES256'));
      const { callback, state, verifier, nonce } = await signIn(as, c);
      const params = oauth.validateAuthResponse(as, c, callback, state);
      const tokens = await oauth.processAuthorizationCodeResponse(
        as,
        c,
        await oauth.authorizationCodeGrantRequest(as, c, oauth.None(), params, REDIRECT, verifier, {
          ...http,
          DPoP,
        }),
        { expectedNonce: nonce, requireIdToken: true },
      );
      expect(tokens.token_type).toBe('dpop');

      // The resource request as the client sends it: DPoP scheme and a proof with ath.
      const resource = new URL('https://api.example/data');
      let sent: Request | undefined;
      await oauth.protectedResourceRequest(tokens.access_token, 'GET', resource, undefined, null, {
        DPoP,
        [oauth.customFetch]: async (url, init) => {
          sent = new Request(url, init as RequestInit);
          return new Response('ok');
        },
      });
      const claims = await validate(as, sent as Request, publicClient.client_id);
      expect(claims.cnf).toEqual({ jkt: expect.any(String) });
      // The same token as a bearer token is refused.
      const bearer = new Request(resource, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      await expect(validate(as, bearer, publicClient.client_id)).rejects.toThrow();

      const userinfo = await oauth.processUserInfoResponse(
        as,
        c,
        agent.agent_id,
        await oauth.userInfoRequest(as, c, tokens.access_token, { ...http, DPoP }),
      );
      expect(userinfo.sub).toBe(agent.agent_id);
      await expect(
        oauth.processUserInfoResponse(
          as,
          c,
          agent.agent_id,
          await oauth.userInfoRequest(as, c, tokens.access_token, http),
        ),
      ).rejects.toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    });

    it('the code is single-use: a replay gets invalid_grant', async () => {
      const as = await discover();
      const c: oauth.Client = { client_id: client.client_id };
      const auth = oauth.ClientSecretBasic(client.client_secret ?? '');
      const { callback, state, verifier, nonce } = await signIn(as, c);
      const params = oauth.validateAuthResponse(as, c, callback, state);
      const exchange = async () =>
        oauth.processAuthorizationCodeResponse(
          as,
          c,
          await oauth.authorizationCodeGrantRequest(as, c, auth, params, REDIRECT, verifier, http),
          { expectedNonce: nonce, requireIdToken: true },
        );
      await expect(exchange()).resolves.toHaveProperty('access_token');
      await expect(exchange()).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  });
}
