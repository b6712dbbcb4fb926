import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ConsoleOptions } from '../console/deps.js';
import { createConsole } from '../console/index.js';
import { agentAuthenticateEndpoint } from '../endpoints/agent-authenticate.js';
import { authorizeEndpoint } from '../endpoints/authorize.js';
import { checkStatusEndpoint } from '../endpoints/check-status.js';
import { discoveryEndpoint, jwksEndpoint } from '../endpoints/discovery.js';
import { healthEndpoint, readinessEndpoint } from '../endpoints/health.js';
import { introspectEndpoint } from '../endpoints/introspect.js';
import { revokeEndpoint } from '../endpoints/revoke.js';
import { tokenEndpoint } from '../endpoints/token.js';
import { userinfoEndpoint } from '../endpoints/userinfo.js';
import { oauthError } from '../errors.js';
import type { ServerContext } from '../server-context.js';
import { errorResponse } from './error-response.js';
import { requestLogging, securityHeaders } from './middleware.js';

type Route = {
  path: string;
  methods: string[];
  handler: (c: Context) => Response | Promise<Response>;
};

/** Builds the HTTP application. Web-standard Request/Response in, so any runtime can host it. */
export function createApp(ctx: ServerContext, options: { console?: ConsoleOptions } = {}): Hono {
  const app = new Hono();
  app.use('*', requestLogging(ctx.logger));
  app.use('*', securityHeaders(ctx.config.issuer));
  app.use(
    '*',
    bodyLimit({
      maxSize: ctx.config.maxBodyBytes,
      onError: () => {
        throw oauthError.requestTooLarge(ctx.config.maxBodyBytes);
      },
    }),
  );

  const routes: Route[] = [
    { path: '/authorize', methods: ['GET'], handler: authorizeEndpoint(ctx) },
    { path: '/api/agent/authenticate', methods: ['POST'], handler: agentAuthenticateEndpoint(ctx) },
    { path: '/api/check-status', methods: ['GET'], handler: checkStatusEndpoint(ctx) },
    { path: '/token', methods: ['POST'], handler: tokenEndpoint(ctx) },
    { path: '/introspect', methods: ['POST'], handler: introspectEndpoint(ctx) },
    { path: '/revoke', methods: ['POST'], handler: revokeEndpoint(ctx) },
    { path: '/userinfo', methods: ['GET', 'POST'], handler: userinfoEndpoint(ctx) },
    {
      path: '/.well-known/oauth-authorization-server',
      methods: ['GET'],
      handler: discoveryEndpoint(ctx),
    },
    {
      path: '/.well-known/openid-configuration',
      methods: ['GET'],
      handler: discoveryEndpoint(ctx),
    },
    { path: '/.well-known/jwks.json', methods: ['GET'], handler: jwksEndpoint() },
    { path: '/health', methods: ['GET'], handler: healthEndpoint() },
    { path: '/health/ready', methods: ['GET'], handler: readinessEndpoint(ctx) },
  ];
  for (const route of routes) {
    app.on(route.methods, route.path, route.handler);
    app.all(route.path, () => {
      throw oauthError.methodNotAllowed(route.methods.join(', '));
    });
  }

  // The management console (src/console): server-rendered pages under RLS, see docs/console.md.
  app.route('/console', createConsole(ctx, options.console));
  app.get('/', (c) => c.redirect('/console', 302));

  app.notFound(() => {
    throw oauthError.notFound();
  });
  app.onError((error, c) => {
    const response = errorResponse(c, error);
    if (response.status >= 500)
      ctx.logger.error({ err: error, path: c.req.path }, 'unhandled error');
    return response;
  });
  return app;
}
