import { describeDatabaseUrl } from '../config/database-url.js';

/** The PostgreSQL server of DATABASE_URL (or DATABASE_MIGRATION_URL) cannot be used. */
export class DatabaseConnectError extends Error {
  override readonly name = 'DatabaseConnectError';
}

const UNSET = 'or unset DATABASE_URL to use the embedded database';

/**
 * Turns a failed connection into a message that names the setting and the fix. `pg` errors
 * carry a system code (ECONNREFUSED ...) or a SQLSTATE (28P01 ...); neither carries the
 * password, and the URL is shown without it.
 */
export function databaseConnectError(
  error: unknown,
  setting: 'DATABASE_URL' | 'DATABASE_MIGRATION_URL',
  url: string,
): DatabaseConnectError {
  const where = describeDatabaseUrl(url);
  const [user = '', rest = ''] = where.split('@');
  const [hostPort = '', database = ''] = rest.split('/');
  const code = (error as { code?: string }).code;
  const message = (error as Error).message;
  const text = (() => {
    switch (code) {
      case 'ECONNREFUSED':
        return `Cannot reach PostgreSQL at ${hostPort} (${setting}): connection refused. Start PostgreSQL there, or correct the host and port in ${setting}, ${UNSET}.`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `Cannot resolve the host of ${setting} (${hostPort}). Correct the host in ${setting}, ${UNSET}.`;
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `Cannot reach PostgreSQL at ${hostPort} (${setting}): ${code}. Check the host, port and firewall, ${UNSET}.`;
      case '28P01':
        return `PostgreSQL at ${hostPort} refused the password of user "${user}" (${setting}). Correct the user and password in ${setting}.`;
      case '28000':
        return `PostgreSQL at ${hostPort} refused user "${user}" (${setting}): ${message}. Correct the user in ${setting}, or allow it in pg_hba.conf.`;
      case '3D000':
        return `The database "${database}" does not exist on ${hostPort} (${setting}). Create it (createdb ${database}) or correct the database name in ${setting}.`;
      case '42501':
        return `User "${user}" of ${setting} may not act as auth_agent_app (${message}). Run GRANT auth_agent_app TO "${user}" as the schema owner, or use the schema owner in ${setting}.`;
      default:
        if (/timeout/i.test(message))
          return `Timed out connecting to PostgreSQL at ${hostPort} (${setting}). Check the host, port and firewall, ${UNSET}.`;
        return `Cannot use PostgreSQL at ${where} (${setting}): ${message}`;
    }
  })();
  return new DatabaseConnectError(text, { cause: error });
}
