import { readFile } from 'node:fs/promises';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentFixture, ClientFixture } from '../support/harness.js';
import { agentSignsIn, type InteropServer } from './support.js';

/** Registers this client's interop tests against the shared server of interop.test.ts. */
export function registerOpenidClientInterop(getServer: () => InteropServer): void {
  // panva/openid-client used directly, as any relying party would, without our SDK: in its
  // default OpenID Connect mode (openid-configuration, ID token required with a nonce).
  const REDIRECT = 'http://127.0.0.1:18199/openid-client/callback';
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
    agent = await server.h.createAgent(owner.email, { email: 'oidc-user@example.com' });
  });

  async function configuration(algorithm: 'oauth2' | 'oidc' = 'oidc', website = client) {
    return oidc.discovery(
      new URL(server.issuer),
      website.client_id,
      website.client_secret ?? undefined,
      website.client_secret ? oidc.ClientSecretBasic(website.client_secret) : oidc.None(),
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
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const checks = { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce };
    return { url, checks };
  }

  describe('openid-client interop', () => {
    it('discovers through both RFC 8414 and OpenID discovery documents', async () => {
      for (const algorithm of ['oauth2', 'oidc'] as const) {
        const meta = (await configuration(algorithm)).serverMetadata();
        expect(meta.issuer).toBe(server.issuer);
        expect(meta.code_challenge_methods_supported).toEqual(['S256']);
        expect(meta.authorization_response_iss_parameter_supported).toBe(true);
        expect(meta.id_token_signing_alg_values_supported).toEqual(['ES256']);
      }
    });

    it('runs the snippet of docs/integrations.md as written', async () => {
      // Only what a reader fills in changes: the issuer (plain http here, hence the option the
      // snippet's comment names), the client's id, secret and redirect URI.
      const doc = await readFile(
        new URL('../../../../docs/integrations.md', import.meta.url),
        'utf8',
      );
      const section = doc.slice(doc.indexOf('## openid-client (v6)'));
      const code = (/```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '')
        .replace("import * as oidc from 'openid-client';", '')
        .replace("new URL('https://auth.example.com')", 'new URL(ISSUER)')
        .replace(
          'oidc.ClientSecretBasic(CLIENT_SECRET),',
          'oidc.ClientSecretBasic(CLIENT_SECRET), { execute: [oidc.allowInsecureRequests] },',
        )
        .replace("'https://shop.example.com/callback'", 'REDIRECT');
      const [before = '', after = ''] = code.split(/^\/\/ callback.*$/m);
      const js = (source: string) => ts.transpile(source, { target: ts.ScriptTarget.ES2022 });
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (...values: unknown[]) => Promise<Record<string, unknown>>;
      const start = new AsyncFunction(
        'oidc',
        'ISSUER',
        'CLIENT_ID',
        'CLIENT_SECRET',
        'REDIRECT',
        `${js(before)}\nreturn { config, url, verifier, state, nonce };`,
      );
      const finish = new AsyncFunction(
        'oidc',
        'config',
        'verifier',
        'state',
        'nonce',
        'currentUrl',
        `${js(after)}\nreturn { claims, me };`,
      );
      const begun = await start(
        oidc,
        server.issuer,
        client.client_id,
        client.client_secret,
        REDIRECT,
      );
      const currentUrl = new URL(await agentSignsIn(begun.url as URL, agent, 'docs-model'));
      const done = await finish(
        oidc,
        begun.config,
        begun.verifier,
        begun.state,
        begun.nonce,
        currentUrl,
      );
      expect(done.claims).toMatchObject({ sub: agent.agent_id, model: 'docs-model' });
      expect(done.me).toMatchObject({ sub: agent.agent_id, email: 'oidc-user@example.com' });
    });

    it('OIDC: code + PKCE + nonce → ID token → refresh → introspect → userinfo → revoke', async () => {
      const config = await configuration();
      // Also checks every ID token's signature against the JWKS.
      oidc.enableNonRepudiationChecks(config);
      const { url, checks } = await authorize(config);
      const callback = new URL(await agentSignsIn(url, agent, 'oidc-model'));
      expect(callback.searchParams.get('iss')).toBe(server.issuer);

      const tokens = await oidc.authorizationCodeGrant(config, callback, checks);
      expect(tokens.token_type).toBe('bearer');
      const claims = tokens.claims();
      expect(claims).toMatchObject({
        iss: server.issuer,
        sub: agent.agent_id,
        aud: client.client_id,
        nonce: checks.expectedNonce,
        email: 'oidc-user@example.com',
      });

      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      expect(refreshed.claims()?.sub).toBe(agent.agent_id);

      const introspection = await oidc.tokenIntrospection(config, refreshed.access_token);
      expect(introspection).toMatchObject({
        active: true,
        sub: agent.agent_id,
        client_id: client.client_id,
        model: 'oidc-model',
      });

      const me = await oidc.fetchUserInfo(config, refreshed.access_token, claims?.sub ?? '');
      expect(me).toMatchObject({ sub: agent.agent_id, email: 'oidc-user@example.com' });

      await oidc.tokenRevocation(config, refreshed.refresh_token ?? '', {
        token_type_hint: 'refresh_token',
      });
      await expect(
        oidc.refreshTokenGrant(config, refreshed.refresh_token ?? ''),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
      await oidc.tokenRevocation(config, refreshed.access_token);
      expect((await oidc.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
      await expect(
        oidc.fetchUserInfo(config, refreshed.access_token, agent.agent_id),
      ).rejects.toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    });

    it('jose createRemoteJWKSet verifies the access and ID tokens', async () => {
      const config = await configuration();
      const { url, checks } = await authorize(config);
      const tokens = await oidc.authorizationCodeGrant(
        config,
        new URL(await agentSignsIn(url, agent)),
        checks,
      );
      const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri ?? ''));
      const access = await jwtVerify(tokens.access_token, jwks, {
        issuer: server.issuer,
        audience: client.client_id,
        typ: 'at+jwt',
      });
      expect(access.payload.sub).toBe(agent.agent_id);
      const id = await jwtVerify(tokens.id_token ?? '', jwks, {
        issuer: server.issuer,
        audience: client.client_id,
      });
      expect(id.payload.nonce).toBe(checks.expectedNonce);
    });

    it('DPoP: a public client gets bound tokens and uses them at /userinfo', async () => {
      const config = await configuration('oidc', publicClient);
      const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
      const { url, checks } = await authorize(config);
      const callback = new URL(await agentSignsIn(url, agent));
      const tokens = await oidc.authorizationCodeGrant(config, callback, checks, undefined, {
        DPoP,
      });
      expect(tokens.token_type).toBe('dpop');
      expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: expect.any(String) });
      const me = await oidc.fetchUserInfo(config, tokens.access_token, agent.agent_id, { DPoP });
      expect(me.sub).toBe(agent.agent_id);
      // Without the key, neither the access token nor the refresh token is of any use.
      await expect(
        oidc.fetchUserInfo(config, tokens.access_token, agent.agent_id),
      ).rejects.toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
      await expect(
        oidc.refreshTokenGrant(config, tokens.refresh_token ?? ''),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
      const refreshed = await oidc.refreshTokenGrant(
        config,
        tokens.refresh_token ?? '',
        undefined,
        {
          DPoP,
        },
      );
      expect(refreshed.token_type).toBe('dpop');
    });

    it('rejects a callback whose iss names another issuer (RFC 9207), and a wrong state', async () => {
      const config = await configuration();
      const { url, checks } = await authorize(config);
      const callback = new URL(await agentSignsIn(url, agent));
      const forged = new URL(callback);
      forged.searchParams.set('iss', 'https://evil.example');
      expect(await reason(oidc.authorizationCodeGrant(config, forged, checks))).toMatch(/"iss"/);
      const wrongState = { ...checks, expectedState: 'other' };
      expect(await reason(oidc.authorizationCodeGrant(config, callback, wrongState))).toMatch(
        /"state"/,
      );
      // The genuine callback still completes: the refused attempts did not reach /token.
      const tokens = await oidc.authorizationCodeGrant(config, callback, checks);
      expect(tokens.access_token).toBeTruthy();
    });

    it('rejects an ID token whose nonce is not the one it sent', async () => {
      const config = await configuration();
      const { url, checks } = await authorize(config);
      const callback = new URL(await agentSignsIn(url, agent));
      const wrongNonce = { ...checks, expectedNonce: oidc.randomNonce() };
      expect(await reason(oidc.authorizationCodeGrant(config, callback, wrongNonce))).toMatch(
        /nonce/,
      );
    });
  });
}
