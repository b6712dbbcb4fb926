import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { ConsoleOptions } from '../console/deps.js';
import { createConsole } from '../console/index.js';
import { agentAuthenticateEndpoint } from '../endpoints/agent-authenticate.js';
import { authorizeEndpoint } from '../endpoints/authorize.js';
import { checkStatusEndpoint } from '../endpoints/check-status.js';
import { discoveryEndpoint, jwksEndpoint } from '../endpoints/discovery.js';
import { healthEndpoint, readinessEndpoint } from '../endpoints/health.js';
import { introspectEndpoint } from '../endpoints/introspect.js';
import { metricsEndpoint } from '../endpoints/metrics.js';
import { registerEndpoint } from '../endpoints/register.js';
import { registrationManagementEndpoint } from '../endpoints/registration-management.js';
import { revokeEndpoint } from '../endpoints/revoke.js';
import { tokenEndpoint } from '../endpoints/token.js';
import { userinfoEndpoint } from '../endpoints/userinfo.js';
import { oauthError } from '../errors.js';
import { oidcEnabled, type ServerContext } from '../server-context.js';
import { cors, openCors } from './cors.js';
import { closeConnectionsWhileDraining, Drain } from './drain.js';
import { errorResponse } from './error-response.js';
import { requireHttps } from './https.js';
import { bodySizeLimit, requestLogging, securityHeaders } from './middleware.js';
import { failureRateLimit, rateLimit } from './rate-limit.js';
import { identityOf } from './rate-limit-identities.js';
import { requestContext } from './request-context.js';
import { requestInput } from './request-input.js';
import { requestTiming } from './request-timing.js';

type Route = {
  path: string;
  methods: string[];
  handler: (c: Context) => Response | Promise<Response>;
  /** Runs before the handler: CORS, the parameters parsed once, then rate limits. */
  guards?: MiddlewareHandler[];
  /** A browser is on this page: errors are shown as the sign-in error page, not JSON. */
  page?: true;
};

const FORM = requestInput({ allowJson: false });

/** Builds the HTTP application. Web-standard Request/Response in, so any runtime can host it. */
export function createApp(
  ctx: ServerContext,
  options: { console?: ConsoleOptions; drain?: Drain } = {},
): Hono {
  const app = new Hono();
  const { config, security } = ctx;
  const drain = options.drain ?? new Drain();
  app.use('*', closeConnectionsWhileDraining(drain));
  app.use('*', requestContext(config.trustProxy));
  app.use('*', requestLogging(ctx.logger));
  app.use('*', requestTiming(security.metrics));
  app.use('*', securityHeaders(config.issuer, config.trustProxy));
  app.use('*', requireHttps(config.production, config.trustProxy));
  app.use(
    '*',
    bodySizeLimit(ctx.config.maxBodyBytes, () => {
      throw oauthError.requestTooLarge(ctx.config.maxBodyBytes);
    }),
  );

  const limit = security.limits;
  // CORS per endpoint (docs/security.md, "CORS"): CORS_ORIGINS for the agent's back channel
  // and introspection; any origin, without credentials, where nothing rides on cookies.
  const apiCors = cors(config.corsOrigins ?? []);
  const anyOrigin = openCors('GET, POST');
  const publicMetadata = openCors('GET');
  const routes: Route[] = [
    {
      path: '/authorize',
      methods: ['GET'],
      handler: authorizeEndpoint(ctx),
      guards: [requestInput('query'), rateLimit(limit, 'authorize', identityOf.param('client_id'))],
      page: true,
    },
    {
      path: '/api/agent/authenticate',
      methods: ['POST'],
      handler: agentAuthenticateEndpoint(ctx),
      guards: [
        apiCors,
        requestInput({ allowJson: true, preferJson: true }),
        failureRateLimit(limit, 'authenticate', identityOf.agent),
      ],
    },
    {
      path: '/api/check-status',
      methods: ['GET'],
      handler: checkStatusEndpoint(ctx),
      guards: [
        requestInput('query'),
        rateLimit(limit, 'check_status', identityOf.param('request_id')),
      ],
    },
    {
      path: '/token',
      methods: ['POST'],
      handler: tokenEndpoint(ctx),
      guards: [
        anyOrigin,
        requestInput({ allowJson: true }),
        failureRateLimit(limit, 'token', identityOf.client),
      ],
    },
    {
      path: '/introspect',
      methods: ['POST'],
      handler: introspectEndpoint(ctx),
      guards: [apiCors, FORM, failureRateLimit(limit, 'introspect', identityOf.client)],
    },
    {
      path: '/revoke',
      methods: ['POST'],
      handler: revokeEndpoint(ctx),
      guards: [anyOrigin, FORM, failureRateLimit(limit, 'revoke', identityOf.client)],
    },
    {
      path: '/userinfo',
      methods: ['GET', 'POST'],
      handler: userinfoEndpoint(ctx),
      guards: [anyOrigin],
    },
    {
      path: '/.well-known/oauth-authorization-server',
      methods: ['GET'],
      handler: discoveryEndpoint(ctx),
      guards: [publicMetadata],
    },
    // OpenID Connect Discovery only while ID tokens are issued (asymmetric signing).
    ...(oidcEnabled(config)
      ? [
          {
            path: '/.well-known/openid-configuration',
            methods: ['GET'],
            handler: discoveryEndpoint(ctx),
            guards: [publicMetadata],
          },
        ]
      : []),
    {
      path: '/.well-known/jwks.json',
      methods: ['GET'],
      handler: jwksEndpoint(ctx),
      guards: [publicMetadata],
    },
    {
      path: '/register',
      methods: ['POST'],
      handler: registerEndpoint(ctx),
      guards: [openCors('POST'), rateLimit(limit, 'register', identityOf.everyone)],
    },
    {
      path: '/register/:client_id',
      methods: ['GET', 'PUT', 'DELETE'],
      handler: registrationManagementEndpoint(ctx),
      guards: [
        openCors('GET, PUT, DELETE'),
        rateLimit(limit, 'register_manage', identityOf.pathParam('client_id')),
      ],
    },
    { path: '/health', methods: ['GET'], handler: healthEndpoint() },
    { path: '/health/ready', methods: ['GET'], handler: readinessEndpoint(ctx, drain) },
    {
      path: '/metrics',
      methods: ['GET'],
      handler: metricsEndpoint(security.metrics, config.metricsToken),
    },
  ];
  for (const route of routes) {
    for (const guard of route.guards ?? []) app.use(route.path, guard);
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
  const pages = new Set(routes.filter((route) => route.page).map((route) => route.path));
  app.onError((error, c) => {
    const response = errorResponse(c, error, pages.has(c.req.path));
    // A 503 (busy, or a database outage, logged once by server-context.ts) is no bug.
    if (response.status === 500)
      ctx.logger.error({ err: error, path: c.req.path }, 'unhandled error');
    return response;
  });
  return app;
}
