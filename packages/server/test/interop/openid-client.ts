import * as oidc from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentFixture, ClientFixture } from '../support/harness.js';
import { agentSignsIn, type InteropServer } from './support.js';

/** Registers this client's interop tests against the shared server of interop.test.ts. */
export function registerOpenidClientInterop(getServer: () => InteropServer): void {
  // panva/openid-client used directly, as any relying party would, without our SDK.
  const REDIRECT = 'http://127.0.0.1:18199/openid-client/callback';
  let server: InteropServer;
  let client: ClientFixture;
  let agent: AgentFixture;

  beforeAll(async () => {
    server = getServer();
    const owner = await server.h.createUser();
    client = await server.h.createClient(owner.email, { redirectUris: [REDIRECT] });
    agent = await server.h.createAgent(owner.email, { email: 'oidc-user@example.com' });
  });

  async function configuration(algorithm: 'oauth2' | 'oidc') {
    return oidc.discovery(
      new URL(server.issuer),
      client.client_id,
      client.client_secret ?? undefined,
      oidc.ClientSecretBasic(client.client_secret ?? ''),
      { algorithm, execute: [oidc.allowInsecureRequests] },
    );
  }

  /** The message of the error a rejected promise carries, including openid-client's cause. */
  async function reason(promise: Promise<unknown>): Promise<string> {
    const error = (await promise.then(
      () => new Error('resolved'),
      (e: unknown) => e,
    )) as Error & { cause?: Error };
    return `${error.message} / ${error.cause?.message ?? ''}`;
  }

  async function authorize(config: oidc.Configuration) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    return { url, verifier, state };
  }

  describe('openid-client interop', () => {
    it('discovers through both RFC 8414 and OpenID discovery documents', async () => {
      for (const algorithm of ['oauth2', 'oidc'] as const) {
        const meta = (await configuration(algorithm)).serverMetadata();
        expect(meta.issuer).toBe(server.issuer);
        expect(meta.code_challenge_methods_supported).toEqual(['S256']);
        expect(meta.authorization_response_iss_parameter_supported).toBe(true);
      }
    });

    it('discover → code + PKCE → iss → refresh → introspect → userinfo → revoke', async () => {
      const config = await configuration('oauth2');
      const { url, verifier, state } = await authorize(config);
      const callback = new URL(await agentSignsIn(url, agent, 'oidc-model'));
      expect(callback.searchParams.get('iss')).toBe(server.issuer);

      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      expect(tokens.token_type).toBe('bearer');
      expect(tokens.refresh_token).toBeTruthy();

      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

      const introspection = await oidc.tokenIntrospection(config, refreshed.access_token);
      expect(introspection).toMatchObject({
        active: true,
        sub: agent.agent_id,
        client_id: client.client_id,
        model: 'oidc-model',
      });

      const me = await oidc.fetchUserInfo(config, refreshed.access_token, agent.agent_id);
      expect(me).toMatchObject({ sub: agent.agent_id, email: 'oidc-user@example.com' });

      await oidc.tokenRevocation(config, refreshed.refresh_token ?? '', {
        token_type_hint: 'refresh_token',
      });
      await expect(
        oidc.refreshTokenGrant(config, refreshed.refresh_token ?? ''),
      ).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await oidc.tokenRevocation(config, refreshed.access_token);
      expect((await oidc.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
      await expect(
        oidc.fetchUserInfo(config, refreshed.access_token, agent.agent_id),
      ).rejects.toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    });

    it('rejects a callback whose iss names another issuer (RFC 9207), and a wrong state', async () => {
      const config = await configuration('oauth2');
      const { url, verifier, state } = await authorize(config);
      const callback = new URL(await agentSignsIn(url, agent));
      const forged = new URL(callback);
      forged.searchParams.set('iss', 'https://evil.example');
      const checks = { pkceCodeVerifier: verifier, expectedState: state };
      expect(await reason(oidc.authorizationCodeGrant(config, forged, checks))).toMatch(/"iss"/);
      const wrongState = { ...checks, expectedState: 'other' };
      expect(await reason(oidc.authorizationCodeGrant(config, callback, wrongState))).toMatch(
        /"state"/,
      );
      // The genuine callback still completes: the refused attempts did not reach /token.
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      expect(tokens.access_token).toBeTruthy();
    });
  });
}
