import { type Context, Hono } from 'hono';
import { SecondFactor } from '../accounts/second-factor.js';
import { failureRateLimit, rateLimit } from '../http/rate-limit.js';
import type { ServerContext } from '../server-context.js';
import {
  adminRevokeAllAction,
  adminRevokeAllConfirmView,
  adminToggleAction,
} from './admin/admin-actions.js';
import { adminView } from './admin/admin-page.js';
import { adminRotateKeysAction } from './admin/key-rotation.js';
import { confirmUserChangeView, userChangeAction } from './admin/user-management.js';
import type { ConsoleDeps, ConsoleOptions } from './deps.js';
import { consoleErrorHandler } from './error-handler.js';
import { consoleError } from './http/console-error.js';
import { formEmail } from './http/form.js';
import { createMailer } from './mail/mailer.js';
import { accountView, changePasswordAction, resendVerificationAction } from './pages/account.js';
import {
  agentDeleteAction,
  agentProfileAction,
  agentRotateAction,
  agentToggleAction,
  agentVerifyEmailAction,
  grantRevokeAction,
  grantsRevokeAllAction,
} from './pages/agent-actions.js';
import { agentApisAction } from './pages/agent-apis.js';
import { agentConfirmView } from './pages/agent-confirm.js';
import { createAgentAction, newAgentView } from './pages/agent-create.js';
import { agentDetailView } from './pages/agent-detail.js';
import { agentNotificationsAction } from './pages/agent-notifications.js';
import { agentWebsitesAction } from './pages/agent-websites.js';
import { agentsListView } from './pages/agents-list.js';
import { createApiAction, newApiView } from './pages/api-create.js';
import { apiDeleteAction, apiDeleteConfirmView, apiDetailView } from './pages/api-detail.js';
import { apisListView } from './pages/apis-list.js';
import { forgotPasswordAction, forgotPasswordView } from './pages/forgot-password.js';
import { homeView } from './pages/home.js';
import { loginAction, loginView } from './pages/login.js';
import { loginCodeAction, loginCodeView } from './pages/login-code.js';
import { logoutAction } from './pages/logout.js';
import { oneTimeSecretView } from './pages/one-time-secret.js';
import { principalUnlockAction } from './pages/owner-unlock.js';
import {
  registrationClaimAction,
  registrationTokenAction,
  registrationView,
} from './pages/registration.js';
import { resetPasswordAction, resetPasswordView } from './pages/reset-password.js';
import {
  secondFactorConfirmAction,
  secondFactorDisableAction,
  secondFactorStartAction,
  secondFactorView,
} from './pages/second-factor.js';
import {
  securityEventsCsv,
  securityEventsJson,
  securityLogView,
  unlockAction,
} from './pages/security-log.js';
import { setupAction, setupView } from './pages/setup.js';
import { signupAction, signupView } from './pages/signup.js';
import { verifyEmailAction, verifyEmailView } from './pages/verify-email.js';
import {
  websiteAgentRevokeAction,
  websiteDeleteAction,
  websiteEditAction,
  websiteEndOverlapAction,
  websiteRotateAction,
  websiteToggleAction,
} from './pages/website-actions.js';
import { websiteDeleteConfirmView, websiteRotateConfirmView } from './pages/website-confirm.js';
import { createWebsiteAction, newWebsiteView } from './pages/website-create.js';
import { websiteDetailView } from './pages/website-detail.js';
import { websitesListView } from './pages/websites-list.js';
import { type ConsoleEnv, loadSession } from './session/load-session.js';
import { encodedPath } from './views/shell.js';

const noIdentity = async () => undefined;

type Handler = (c: Context<ConsoleEnv>) => Response | Promise<Response>;

/**
 * The console, mounted at /console. Server-rendered; every page and action is its own
 * module, every data access runs in a transaction under the signed-in user's RLS context.
 */
export function createConsole(ctx: ServerContext, options: ConsoleOptions = {}): Hono<ConsoleEnv> {
  const deps: ConsoleDeps = {
    ctx,
    mailer: options.mailer ?? createMailer(ctx.config, ctx.logger),
    secondFactor: new SecondFactor(ctx),
  };
  const routes: Array<[method: 'get' | 'post', path: string, handler: Handler]> = [
    ['get', '/', homeView(deps)],
    ['get', '/signup', signupView(deps)],
    ['post', '/signup', signupAction(deps)],
    ['get', '/login', loginView(deps)],
    ['post', '/login', loginAction(deps)],
    ['get', '/login/code', loginCodeView(deps)],
    ['post', '/login/code', loginCodeAction(deps)],
    ['post', '/logout', logoutAction(deps)],
    ['get', '/forgot-password', forgotPasswordView(deps)],
    ['post', '/forgot-password', forgotPasswordAction(deps)],
    ['get', '/reset-password', resetPasswordView(deps)],
    ['post', '/reset-password', resetPasswordAction(deps)],
    ['get', '/setup', setupView(deps)],
    ['post', '/setup', setupAction(deps)],
    ['get', '/verify-email', verifyEmailView(deps)],
    ['post', '/verify-email', verifyEmailAction(deps)],
    ['get', '/account', accountView()],
    ['post', '/account/password', changePasswordAction(deps)],
    ['post', '/account/verify-email', resendVerificationAction(deps)],
    ['get', '/account/second-factor', secondFactorView(deps)],
    ['post', '/account/second-factor/start', secondFactorStartAction(deps)],
    ['post', '/account/second-factor/confirm', secondFactorConfirmAction(deps)],
    ['post', '/account/second-factor/disable', secondFactorDisableAction(deps)],
    ['get', '/agents', agentsListView(deps)],
    ['get', '/agents/new', newAgentView()],
    ['post', '/agents', createAgentAction(deps)],
    ['get', '/agents/:id', agentDetailView(deps)],
    ['post', '/agents/:id/profile', agentProfileAction(deps)],
    ['get', '/agents/:id/rotate', agentConfirmView(deps, 'rotate')],
    ['post', '/agents/:id/rotate', agentRotateAction(deps)],
    ['post', '/agents/:id/disable', agentToggleAction(deps, true)],
    ['post', '/agents/:id/enable', agentToggleAction(deps, false)],
    ['get', '/agents/:id/delete', agentConfirmView(deps, 'delete')],
    ['post', '/agents/:id/delete', agentDeleteAction(deps)],
    ['post', '/agents/:id/unlock', principalUnlockAction(deps, 'agent')],
    ['post', '/agents/:id/websites', agentWebsitesAction(deps)],
    ['post', '/agents/:id/apis', agentApisAction(deps)],
    ['post', '/agents/:id/notifications', agentNotificationsAction(deps)],
    ['post', '/agents/:id/verify-email', agentVerifyEmailAction(deps)],
    ['get', '/agents/:id/grants/revoke-all', agentConfirmView(deps, 'revoke-all')],
    ['post', '/agents/:id/grants/revoke-all', grantsRevokeAllAction(deps)],
    ['post', '/agents/:id/grants/:grantId/revoke', grantRevokeAction(deps)],
    ['get', '/websites', websitesListView(deps)],
    ['get', '/websites/new', newWebsiteView()],
    ['post', '/websites', createWebsiteAction(deps)],
    ['get', '/websites/:id', websiteDetailView(deps)],
    ['post', '/websites/:id/edit', websiteEditAction(deps)],
    ['get', '/websites/:id/rotate', websiteRotateConfirmView(deps)],
    ['post', '/websites/:id/rotate', websiteRotateAction(deps)],
    ['post', '/websites/:id/end-overlap', websiteEndOverlapAction(deps)],
    ['post', '/websites/:id/disable', websiteToggleAction(deps, true)],
    ['post', '/websites/:id/enable', websiteToggleAction(deps, false)],
    ['get', '/websites/:id/delete', websiteDeleteConfirmView(deps)],
    ['post', '/websites/:id/delete', websiteDeleteAction(deps)],
    ['post', '/websites/:id/unlock', principalUnlockAction(deps, 'client')],
    ['post', '/websites/:id/agents/:agentRef/revoke', websiteAgentRevokeAction(deps)],
    ['get', '/apis', apisListView(deps)],
    ['get', '/apis/new', newApiView()],
    ['post', '/apis', createApiAction(deps)],
    ['get', '/apis/:id', apiDetailView(deps)],
    ['get', '/apis/:id/delete', apiDeleteConfirmView(deps)],
    ['post', '/apis/:id/delete', apiDeleteAction(deps)],
    ['get', '/once/:ref', oneTimeSecretView(deps)],
    ['get', '/registration', registrationView(deps)],
    ['post', '/registration/token', registrationTokenAction(deps)],
    ['post', '/registration/claim', registrationClaimAction(deps)],
    ['get', '/security', securityLogView(deps)],
    ['get', '/security/events', securityEventsJson(deps)],
    ['get', '/security/events.csv', securityEventsCsv(deps)],
    ['post', '/security/unlock', unlockAction(deps)],
    ['get', '/admin', adminView(deps)],
    ['get', '/admin/revoke-all', adminRevokeAllConfirmView(deps)],
    ['post', '/admin/revoke-all', adminRevokeAllAction(deps)],
    ['post', '/admin/keys/rotate', adminRotateKeysAction(deps, false)],
    ['post', '/admin/keys/rotate-emergency', adminRotateKeysAction(deps, true)],
    ['get', '/admin/users/:id/promote', confirmUserChangeView(deps, 'promote')],
    ['get', '/admin/users/:id/demote', confirmUserChangeView(deps, 'demote')],
    ['get', '/admin/users/:id/delete', confirmUserChangeView(deps, 'delete')],
    ['post', '/admin/users/:id/promote', userChangeAction(deps, 'promote')],
    ['post', '/admin/users/:id/demote', userChangeAction(deps, 'demote')],
    ['post', '/admin/users/:id/delete', userChangeAction(deps, 'delete')],
    ['post', '/admin/:target/:id/disable', adminToggleAction(deps, true)],
    ['post', '/admin/:target/:id/enable', adminToggleAction(deps, false)],
  ];
  const app = new Hono<ConsoleEnv>();
  app.use('*', loadSession(deps));
  // Per-address and per-email budgets on the two doors strangers knock on (docs/security.md);
  // a log-in counts only when it fails, so a stranger cannot spend an owner's budget.
  app.post('/login', failureRateLimit(ctx.security.limits, 'console_login', formEmail));
  // The code step names no email; its failures also count toward the account's lockout.
  app.post('/login/code', failureRateLimit(ctx.security.limits, 'console_login', noIdentity));
  app.post('/signup', rateLimit(ctx.security.limits, 'console_signup', formEmail));
  app.post('/forgot-password', rateLimit(ctx.security.limits, 'console_password_reset', formEmail));
  for (const [method, path, handler] of routes) app.on(method.toUpperCase(), path, handler);
  app.all('*', (c) => {
    // `/console/` and friends: one canonical URL per page.
    const path = encodedPath(c);
    if (c.req.method === 'GET' && path.length > 1 && path.endsWith('/'))
      return c.redirect(path.replace(/\/+$/, ''), 301);
    throw consoleError.notFound();
  });
  app.onError(consoleErrorHandler(deps));
  return app;
}
