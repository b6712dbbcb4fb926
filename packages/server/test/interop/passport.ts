import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import passport from 'passport';
import OAuth2Strategy from 'passport-oauth2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend } from '../support/database.js';
import type { AgentFixture, ClientFixture } from '../support/harness.js';
import { agentSignsIn, INTEROP_PORTS, type InteropServer } from './support.js';

/** Registers this client's interop tests against the shared server of interop.test.ts. */
export function registerPassportInterop(getServer: () => InteropServer): void {
  // An Express app with Passport's OAuth 2.0 strategy (passport-oauth2, PKCE on) using Auth
  // Agent as the provider, over real HTTP on both sides.
  const APP_PORT = INTEROP_PORTS.passportApp + (backend === 'postgres' ? 1 : 0);
  const APP = `http://127.0.0.1:${APP_PORT}`;
  const CALLBACK = `${APP}/auth/callback`;
  let server: InteropServer;
  let client: ClientFixture;
  let agent: AgentFixture;
  let app: Server;

  interface SignedInUser {
    agentId: string;
    email: string;
    model: string;
  }

  /** passport-oauth2 keeps state and the PKCE verifier in `req.session`; a minimal one. */
  function memorySession(): RequestHandler {
    const sessions = new Map<string, Record<string, unknown>>();
    return (req, res, next) => {
      const sid = /(?:^|;\s*)sid=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
      let id = sid && sessions.has(sid) ? sid : undefined;
      if (!id) {
        id = randomBytes(16).toString('base64url');
        sessions.set(id, {});
        res.setHeader('Set-Cookie', `sid=${id}; Path=/; HttpOnly; SameSite=Lax`);
      }
      (req as unknown as { session: Record<string, unknown> }).session = sessions.get(id) ?? {};
      next();
    };
  }

  function authAgentStrategy(issuer: string, website: ClientFixture): OAuth2Strategy {
    const strategy = new OAuth2Strategy(
      {
        authorizationURL: `${issuer}/authorize`,
        tokenURL: `${issuer}/token`,
        clientID: website.client_id,
        clientSecret: website.client_secret ?? '',
        callbackURL: CALLBACK,
        scope: ['openid', 'profile', 'email'],
        state: true,
        pkce: true,
      },
      (
        _accessToken: string,
        _refreshToken: string,
        profile: Record<string, unknown>,
        done: OAuth2Strategy.VerifyCallback,
      ) => {
        const user: SignedInUser = {
          agentId: String(profile.sub),
          email: String(profile.email),
          model: String(profile.model),
        };
        done(null, user);
      },
    );
    // The strategy's default profile is empty: read the agent and its user from /userinfo.
    strategy.userProfile = (accessToken, done) => {
      fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } })
        .then(async (response) => {
          if (!response.ok) throw new Error(`userinfo answered ${response.status}`);
          done(null, await response.json());
        })
        .catch((error: unknown) => done(error as Error));
    };
    return strategy;
  }

  beforeAll(async () => {
    server = getServer();
    const owner = await server.h.createUser();
    client = await server.h.createClient(owner.email, { redirectUris: [CALLBACK] });
    agent = await server.h.createAgent(owner.email, { email: 'passport-user@example.com' });

    passport.use('auth-agent', authAgentStrategy(server.issuer, client));
    const web = express();
    web.use(memorySession());
    web.get('/login', passport.authenticate('auth-agent', { session: false }));
    web.get(
      '/auth/callback',
      passport.authenticate('auth-agent', { session: false, failureRedirect: '/failed' }),
      (req, res) => {
        res.json(req.user);
      },
    );
    await new Promise<void>((resolve) => {
      app = web.listen(APP_PORT, '127.0.0.1', () => resolve());
    });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => app?.close(() => resolve()));
  });

  describe('Passport (passport-oauth2) interop', () => {
    it('signs an agent in with code + PKCE and hands the route the agent and its user', async () => {
      const login = await fetch(`${APP}/login`, { redirect: 'manual' });
      expect(login.status).toBe(302);
      const sid = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const authorizeUrl = new URL(login.headers.get('location') ?? '');
      expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${server.issuer}/authorize`);
      expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');

      const callback = await agentSignsIn(authorizeUrl, agent, 'passport-model');
      const back = await fetch(callback, { headers: { cookie: sid }, redirect: 'manual' });
      expect(back.status).toBe(200);
      expect(await back.json()).toEqual({
        agentId: agent.agent_id,
        email: 'passport-user@example.com',
        model: 'passport-model',
      });
    });

    it('refuses a callback from another browser (no matching state in its session)', async () => {
      const login = await fetch(`${APP}/login`, { redirect: 'manual' });
      const callback = await agentSignsIn(login.headers.get('location') ?? '', agent);
      const back = await fetch(callback, { redirect: 'manual' });
      expect(back.status).toBe(302);
      expect(back.headers.get('location')).toBe('/failed');
    });
  });
}
