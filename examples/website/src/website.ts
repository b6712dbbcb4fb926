import {
  AuthAgentError,
  createAuthorizationUrl,
  discover,
  getAccessToken,
  handleCallback,
  honoBearerAuth,
  isExpired,
  refresh,
  revoke,
  type TokenSet,
  tokenCookies,
  userinfo,
  verifyAccessToken,
  type WebsiteClient,
} from '@auth-agent/sdk/website';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { dashboardPage, errorPage, homePage } from './pages.js';

export interface WebsiteOptions {
  /** The Auth Agent server. */
  issuer: string;
  /** This website's registration. */
  clientId: string;
  clientSecret: string;
  /** Where this website is reachable, e.g. http://127.0.0.1:3000; the callback is /callback. */
  baseUrl: string;
  /** At least 32 characters; encrypts the HttpOnly cookies. */
  cookieSecret: string;
  /** Shown in the pages. */
  siteName?: string;
}

// Pages only need inline styles; nothing else may load, and no script runs at all.
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The example website. Tokens live only in encrypted HttpOnly cookies; the pages contain
 * no script, so nothing in the browser can read them (no localStorage anywhere).
 */
export async function createWebsite(options: WebsiteOptions): Promise<Hono> {
  const siteName = options.siteName ?? 'Demo Shop';
  const client: WebsiteClient = await discover({
    issuer: options.issuer,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUri: new URL('/callback', options.baseUrl).href,
  });
  const cookies = tokenCookies({
    secret: options.cookieSecret,
    secure: options.baseUrl.startsWith('https://'),
  });
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
  });

  const fail = (c: Context, error: unknown) => {
    const code = error instanceof AuthAgentError ? error.code : 'unexpected_error';
    const message =
      error instanceof AuthAgentError ? error.message : 'Something went wrong. Please try again.';
    return c.html(errorPage(siteName, code, message), 400);
  };

  app.get('/', (c) => c.html(homePage(siteName)));

  app.get('/login', async (c) => {
    const { url, state, codeVerifier } = await createAuthorizationUrl(client);
    c.header('Set-Cookie', await cookies.sealTransaction({ state, codeVerifier }));
    return c.redirect(url.href, 302);
  });

  app.get('/callback', async (c) => {
    const saved = await cookies.readTransaction(c.req.header('cookie'));
    c.header('Set-Cookie', cookies.clearTransaction(), { append: true });
    try {
      const tokens = await handleCallback(client, c.req.url, saved);
      c.header('Set-Cookie', await cookies.sealTokens(tokens), { append: true });
      return c.redirect('/dashboard', 302);
    } catch (error) {
      return fail(c, error);
    }
  });

  app.get('/dashboard', async (c) => {
    let tokens: TokenSet | undefined = await cookies.readTokens(c.req.header('cookie'));
    if (!tokens) return c.redirect('/', 302);
    try {
      if (isExpired(tokens) && tokens.refreshToken) {
        tokens = await refresh(client, tokens.refreshToken);
        c.header('Set-Cookie', await cookies.sealTokens(tokens));
      }
      const verified = await verifyAccessToken(client, tokens.accessToken);
      const me = await userinfo(client, tokens.accessToken, verified.agentId);
      return c.html(
        dashboardPage(siteName, {
          agentId: verified.agentId,
          model: verified.model ?? String(me.model ?? ''),
          email: String(me.email ?? ''),
          name: typeof me.name === 'string' ? me.name : undefined,
          scopes: verified.scopes,
          expiresAt: verified.expiresAt,
        }),
      );
    } catch (error) {
      c.header('Set-Cookie', cookies.clearTokens());
      return fail(c, error);
    }
  });

  app.post('/logout', async (c) => {
    const tokens = await cookies.readTokens(c.req.header('cookie'));
    // Revoking the refresh token ends the whole grant (RFC 7009 §2.1).
    if (tokens?.refreshToken)
      await revoke(client, tokens.refreshToken, 'refresh_token').catch(() => {});
    c.header('Set-Cookie', cookies.clearTokens());
    return c.redirect('/', 303);
  });

  // An API for agents that call the website directly with their access token.
  app.use('/api/*', honoBearerAuth(client));
  app.get('/api/me', (c) => {
    const token = getAccessToken(c);
    return c.json({ agent_id: token?.agentId, model: token?.model, scopes: token?.scopes });
  });
  return app;
}

export interface RunningWebsite {
  url: string;
  close(): Promise<void>;
}

/** Starts the example website on `port` (host 127.0.0.1). */
export async function startWebsite(options: WebsiteOptions, port: number): Promise<RunningWebsite> {
  const app = await createWebsite(options);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  return {
    url: options.baseUrl,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
