import { ConfigError } from './config-error.js';

const SCHEMES = ['postgres:', 'postgresql:'];

/**
 * DATABASE_URL and DATABASE_MIGRATION_URL must be URLs `pg` understands; anything else
 * (mysql://, a bare host name) is refused here rather than failing later inside `pg`. The
 * message shows only the scheme: the rest of the URL may hold a password.
 */
export function checkDatabaseUrl(name: string, raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {}
  if (!url)
    throw new ConfigError(
      `${name} is not a URL; use postgres://user:password@host:5432/database, or unset it to use the embedded database.`,
    );
  if (!SCHEMES.includes(url.protocol))
    throw new ConfigError(
      `${name} uses "${url.protocol}//", but Auth Agent stores its data only in PostgreSQL; ` +
        'use a postgres:// or postgresql:// URL, or unset it to use the embedded database.',
    );
  return raw;
}

/** `user@host:port/database` of a PostgreSQL URL, never its password (for messages). */
export function describeDatabaseUrl(raw: string): string {
  const url = new URL(raw);
  const socketHost = url.searchParams.get('host');
  const host = url.hostname || socketHost || 'localhost';
  const port = url.port || url.searchParams.get('port') || '5432';
  const user = decodeURIComponent(url.username) || process.env.PGUSER || 'postgres';
  const database = decodeURIComponent(url.pathname.slice(1)) || user;
  return `${user}@${host}:${port}/${database}`;
}
