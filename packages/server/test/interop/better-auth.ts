import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { genericOAuth } from 'better-auth/plugins/generic-oauth';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentFixture, ClientFixture } from '../support/harness.js';
import { agentSignsIn, type InteropServer } from './support.js';

/** Registers this client's interop tests against the shared server of interop.test.ts. */
export function registerBetterAuthInterop(getServer: () => InteropServer): void {
  // A Better Auth app (its generic OAuth plugin, stock settings) using Auth Agent as an
  // OpenID Connect provider. The app is driven in-process through `auth.handler`; it reaches
  // the server over real HTTP.
  const APP = 'http://127.0.0.1:18125';
  const CALLBACK = `${APP}/api/auth/callback/auth-agent`;
  let server: InteropServer;
  let client: ClientFixture;
  let agent: AgentFixture;
  let auth: ReturnType<typeof createApp>;
  const db = {
    user: [] as Record<string, unknown>[],
    session: [] as Record<string, unknown>[],
    account: [] as Record<string, unknown>[],
    verification: [] as Record<string, unknown>[],
  };

  function createApp(issuer: string, website: ClientFixture) {
    return betterAuth({
      baseURL: APP,
      secret: 'better-auth-interop-secret-0123456789abcdef',
      database: memoryAdapter(db),
      // The iss-mismatch test provokes an expected error log; keep the test output clean.
      logger: { disabled: true },
      plugins: [
        genericOAuth({
          config: [
            {
              providerId: 'auth-agent',
              name: 'Auth Agent',
              discoveryUrl: `${issuer}/.well-known/openid-configuration`,
              clientId: website.client_id,
              clientSecret: website.client_secret ?? undefined,
              scopes: ['openid', 'profile', 'email'],
              pkce: true,
              redirectURI: CALLBACK,
            },
          ],
        }),
      ],
    });
  }

  beforeAll(async () => {
    server = getServer();
    const owner = await server.h.createUser();
    client = await server.h.createClient(owner.email, { redirectUris: [CALLBACK] });
    agent = await server.h.createAgent(owner.email, {
      email: 'better-auth-user@example.com',
      name: 'Bea Tter',
    });
    auth = createApp(server.issuer, client);
  });

  /** Cookie header from a response's Set-Cookie lines (name=value pairs, non-empty only). */
  function cookiesFrom(response: Response): string {
    return response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0] ?? '')
      .filter((pair) => !pair.endsWith('='))
      .join('; ');
  }

  describe('Better Auth (generic OAuth plugin) interop', () => {
    it('signs an agent in and creates a Better Auth user and session for it', async () => {
      const start = await auth.handler(
        new Request(`${APP}/api/auth/sign-in/social`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: APP },
          body: JSON.stringify({ provider: 'auth-agent', callbackURL: '/dashboard' }),
        }),
      );
      expect(start.status).toBe(200);
      const { url } = (await start.json()) as { url: string };
      const authorizeUrl = new URL(url);
      expect(authorizeUrl.origin).toBe(server.issuer);
      expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
      const stateCookies = cookiesFrom(start);

      const callback = await agentSignsIn(authorizeUrl, agent, 'better-auth-model');
      const back = await auth.handler(new Request(callback, { headers: { cookie: stateCookies } }));
      expect(back.status).toBe(302);
      expect(back.headers.get('location')).toBe('/dashboard');

      const session = await auth.api.getSession({
        headers: new Headers({ cookie: cookiesFrom(back) }),
      });
      expect(session?.user).toMatchObject({
        email: 'better-auth-user@example.com',
        name: 'Bea Tter',
      });
      expect(db.account).toContainEqual(
        expect.objectContaining({ providerId: 'auth-agent', accountId: agent.agent_id }),
      );
    });

    it('refuses a callback whose iss names another issuer (no session is created)', async () => {
      const start = await auth.handler(
        new Request(`${APP}/api/auth/sign-in/social`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: APP },
          body: JSON.stringify({ provider: 'auth-agent', callbackURL: '/dashboard' }),
        }),
      );
      const { url } = (await start.json()) as { url: string };
      const callback = new URL(await agentSignsIn(url, agent));
      callback.searchParams.set('iss', 'https://evil.example');
      const sessionsBefore = db.session.length;
      const back = await auth.handler(
        new Request(callback, { headers: { cookie: cookiesFrom(start) } }),
      );
      expect(back.status).toBe(302);
      expect(back.headers.get('location')).toMatch(/error=/);
      expect(db.session.length).toBe(sessionsBefore);
    });
  });
}
