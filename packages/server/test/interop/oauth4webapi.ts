import * as oauth from 'oauth4webapi';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentFixture, ClientFixture } from '../support/harness.js';
import { agentSignsIn, type InteropServer } from './support.js';

/** Registers this client's interop tests against the shared server of interop.test.ts. */
export function registerOauth4webapiInterop(getServer: () => InteropServer): void {
  // panva/oauth4webapi used directly, without our SDK.
  const REDIRECT = 'http://127.0.0.1:18199/oauth4webapi/callback';
  const http = { [oauth.allowInsecureRequests]: true } as const;
  let server: InteropServer;
  let client: ClientFixture;
  let agent: AgentFixture;

  beforeAll(async () => {
    server = getServer();
    const owner = await server.h.createUser();
    client = await server.h.createClient(owner.email, { redirectUris: [REDIRECT] });
    agent = await server.h.createAgent(owner.email, { email: 'o4w-user@example.com' });
  });

  async function discover(): Promise<oauth.AuthorizationServer> {
    const issuer = new URL(server.issuer);
    const response = await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oauth2' });
    return oauth.processDiscoveryResponse(issuer, response);
  }

  describe('oauth4webapi interop', () => {
    it('discover → code + PKCE → iss → refresh → introspect → userinfo → revoke', async () => {
      const as = await discover();
      expect(as.authorization_response_iss_parameter_supported).toBe(true);
      const c: oauth.Client = { client_id: client.client_id };
      const auth = oauth.ClientSecretBasic(client.client_secret ?? '');

      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const url = new URL(as.authorization_endpoint ?? '');
      url.search = new URLSearchParams({
        client_id: client.client_id,
        redirect_uri: REDIRECT,
        response_type: 'code',
        scope: 'openid profile email',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }).toString();
      const callback = new URL(await agentSignsIn(url, agent, 'o4w-model'));

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
      const tokens = await oauth.processAuthorizationCodeResponse(as, c, codeResponse);
      expect(tokens.token_type).toBe('bearer');

      const refreshResponse = await oauth.refreshTokenGrantRequest(
        as,
        c,
        auth,
        tokens.refresh_token ?? '',
        http,
      );
      const refreshed = await oauth.processRefreshTokenResponse(as, c, refreshResponse);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

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

    it('the code is single-use: a replay gets invalid_grant', async () => {
      const as = await discover();
      const c: oauth.Client = { client_id: client.client_id };
      const auth = oauth.ClientSecretBasic(client.client_secret ?? '');
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const url = new URL(as.authorization_endpoint ?? '');
      url.search = new URLSearchParams({
        client_id: client.client_id,
        redirect_uri: REDIRECT,
        response_type: 'code',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }).toString();
      const params = oauth.validateAuthResponse(
        as,
        c,
        new URL(await agentSignsIn(url, agent)),
        state,
      );
      const exchange = async () =>
        oauth.processAuthorizationCodeResponse(
          as,
          c,
          await oauth.authorizationCodeGrantRequest(as, c, auth, params, REDIRECT, verifier, http),
        );
      await expect(exchange()).resolves.toHaveProperty('access_token');
      await expect(exchange()).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  });
}
