import { Auth, type AuthConfig } from '@auth/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentFixture, ClientFixture } from '../support/harness.js';
import { agentSignsIn, type InteropServer } from './support.js';

/** Registers this client's interop tests against the shared server of interop.test.ts. */
export function registerAuthJsInterop(getServer: () => InteropServer): void {
  // An Auth.js configuration (@auth/core, the engine behind next-auth v5, @auth/express,
  // @auth/sveltekit…) with Auth Agent as an OpenID Connect provider, driven through its Web API.
  const APP = 'http://127.0.0.1:18127';
  const CALLBACK = `${APP}/auth/callback/auth-agent`;
  let server: InteropServer;
  let client: ClientFixture;
  let agent: AgentFixture;
  let config: AuthConfig;

  interface AgentProfile {
    sub: string;
    email?: string;
    name?: string;
    model?: string;
  }

  function authConfig(issuer: string, website: ClientFixture): AuthConfig {
    return {
      basePath: '/auth',
      secret: 'authjs-interop-secret-0123456789abcdef0123',
      trustHost: true,
      // The iss-mismatch test provokes an expected error log; keep the test output clean.
      logger: { error: () => {}, warn: () => {} },
      providers: [
        {
          // Auth.js's OpenID Connect provider: endpoints from openid-configuration, the
          // profile from the ID token (verified with a nonce), the scope its default.
          id: 'auth-agent',
          name: 'Auth Agent',
          type: 'oidc',
          issuer,
          clientId: website.client_id,
          clientSecret: website.client_secret ?? '',
          checks: ['pkce', 'state', 'nonce'],
        },
      ],
      callbacks: {
        // Keep the agent id and model in the session, next to the user it acts for.
        jwt({ token, profile }) {
          if (profile) {
            token.agentId = profile.sub;
            token.model = (profile as unknown as AgentProfile).model;
          }
          return token;
        },
        session({ session, token }) {
          return { ...session, agentId: token.agentId, model: token.model };
        },
      },
    };
  }

  beforeAll(async () => {
    server = getServer();
    const owner = await server.h.createUser();
    client = await server.h.createClient(owner.email, { redirectUris: [CALLBACK] });
    agent = await server.h.createAgent(owner.email, {
      email: 'authjs-user@example.com',
      name: 'Al Js',
    });
    config = authConfig(server.issuer, client);
  });

  /** A cookie jar for the Auth.js app, fed with every response. */
  function jar() {
    const cookies = new Map<string, string>();
    return {
      header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      take(response: Response) {
        for (const line of response.headers.getSetCookie()) {
          const pair = line.split(';')[0] ?? '';
          const eq = pair.indexOf('=');
          cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
      },
    };
  }

  /** CSRF token, then POST /auth/signin/auth-agent; returns the authorization URL. */
  async function startSignIn(cookies: ReturnType<typeof jar>): Promise<URL> {
    const csrf = await Auth(new Request(`${APP}/auth/csrf`), config);
    cookies.take(csrf);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const signin = await Auth(
      new Request(`${APP}/auth/signin/auth-agent`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.header() },
        body: new URLSearchParams({ csrfToken, callbackUrl: `${APP}/dashboard` }),
      }),
      config,
    );
    cookies.take(signin);
    expect(signin.status).toBe(302);
    return new URL(signin.headers.get('location') ?? '');
  }

  describe('Auth.js (@auth/core) interop', () => {
    it('signs an agent in; the Auth.js session names the user, the agent and the model', async () => {
      const cookies = jar();
      const authorizeUrl = await startSignIn(cookies);
      expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${server.issuer}/authorize`);
      expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorizeUrl.searchParams.get('nonce')).toBeTruthy();
      expect(authorizeUrl.searchParams.get('scope')).toBe('openid profile email');

      const callback = await agentSignsIn(authorizeUrl, agent, 'authjs-model');
      const back = await Auth(
        new Request(callback, { headers: { cookie: cookies.header() } }),
        config,
      );
      cookies.take(back);
      expect(back.status).toBe(302);
      expect(back.headers.get('location')).toBe(`${APP}/dashboard`);

      const session = await Auth(
        new Request(`${APP}/auth/session`, { headers: { cookie: cookies.header() } }),
        config,
      );
      expect(await session.json()).toMatchObject({
        user: { email: 'authjs-user@example.com', name: 'Al Js' },
        agentId: agent.agent_id,
        model: 'authjs-model',
      });
    });

    it('refuses a callback whose iss names another issuer, and creates no session', async () => {
      const cookies = jar();
      const authorizeUrl = await startSignIn(cookies);
      const callback = new URL(await agentSignsIn(authorizeUrl, agent));
      callback.searchParams.set('iss', 'https://evil.example');
      const back = await Auth(
        new Request(callback, { headers: { cookie: cookies.header() } }),
        config,
      );
      cookies.take(back);
      expect(back.headers.get('location')).toMatch(/error=/);
      const session = await Auth(
        new Request(`${APP}/auth/session`, { headers: { cookie: cookies.header() } }),
        config,
      );
      expect(await session.json()).toBeNull();
    });
  });
}
