import type { Context } from 'hono';
import { constantTimeEqual } from '../crypto/digest.js';
import { securityConsoleRoutes } from '../security/console-routes.js';
import type { ServerContext } from '../server-context.js';
import { RLS_VIOLATION_ATTEMPT, type SecurityEvents } from './events.js';
import { sessionCsrfToken } from './http/csrf.js';
import type { ConsoleEnv } from './session/middleware.js';

/** Console events that the security log must see (and alert on) become security events. */
export function securityLogEvents(ctx: ServerContext, next?: SecurityEvents): SecurityEvents {
  return {
    emit(event, detail) {
      if (event === RLS_VIOLATION_ATTEMPT) {
        ctx.security.rlsViolation({
          userId: String(detail.user_id),
          targetType: String(detail.object_kind),
          targetId: String(detail.object_id),
          action: `${String(detail.method)} ${String(detail.path)}`,
        });
      }
      next?.emit(event, detail);
    },
  };
}

function sameOrigin(c: Context, issuer: string): boolean {
  const origin = c.req.header('origin') ?? c.req.header('referer');
  if (!origin) return false;
  try {
    return new URL(origin).origin === new URL(issuer).origin;
  } catch {
    return false;
  }
}

/**
 * The security log and unlock pages (src/security/console-routes.ts) with the console's
 * session and CSRF scheme: owners see events about their own objects, admins all of them.
 */
export function securityLogRoutes(ctx: ServerContext) {
  const session = (c: Context) => (c as Context<ConsoleEnv>).get('session');
  return securityConsoleRoutes(ctx, {
    async currentUser(c) {
      const s = session(c);
      return s && { id: s.userId, role: s.role };
    },
    csrfToken: (c) => {
      const s = session(c);
      return s ? sessionCsrfToken(s.id) : '';
    },
    verifyCsrf(c, submitted) {
      const s = session(c);
      if (!s || !submitted || !sameOrigin(c, ctx.config.issuer)) return false;
      return constantTimeEqual(submitted, sessionCsrfToken(s.id));
    },
    loginPath: '/console/login',
  });
}
