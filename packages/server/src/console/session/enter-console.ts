import type { Context } from 'hono';
import { requestOf } from '../../http/request-context.js';
import { inSession } from '../../storage/owner-store.js';
import type { ConsoleDeps } from '../deps.js';
import { clearCookie, writeCookie } from '../http/cookies.js';
import type { ConsoleEnv } from './load-session.js';
import { endSession } from './sessions.js';

/**
 * The end of every log-in (password alone, or password then second factor): recorded in
 * the security log, the browser's earlier session ended, the new session's cookie set.
 */
export async function enterConsole(
  c: Context<ConsoleEnv>,
  deps: ConsoleDeps,
  userId: string,
  sessionId: string,
  method: 'password' | 'totp' | 'recovery_code',
): Promise<void> {
  const { config, db, logger, security } = deps.ctx;
  security.record(
    {
      event: 'user.authentication',
      outcome: 'success',
      actor: { type: 'user', id: userId },
      target: { type: 'user', id: userId },
      userId,
      ...(method === 'password' ? {} : { details: { second_factor: method } }),
    },
    requestOf(c),
  );
  const previous = c.get('session');
  if (previous) await inSession(db, previous.id, (tx) => endSession(tx, previous.id));
  clearCookie(c, 'login', config.issuer);
  writeCookie(c, 'session', config.issuer, sessionId);
  logger.info({ event: 'console.login', user_id: userId }, 'console log-in');
}
