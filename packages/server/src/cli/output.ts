import { resolve } from 'node:path';
import { describeDatabaseUrl } from '../config/database-url.js';
import type { Config } from '../config/load.js';
import type { Column } from './command.js';
import type { ServerInfo } from './control-socket.js';

/**
 * The line every database command writes on stderr: which storage it used and which issuer,
 * so nobody writes to ./data (or the wrong database) without being told. No password.
 */
export function storageLine(config: Config, server?: ServerInfo): string {
  if (config.databaseUrl)
    return `auth-agent: PostgreSQL ${describeDatabaseUrl(config.databaseUrl)} (DATABASE_URL); issuer ${config.issuer}`;
  const where = `embedded database in ${resolve(config.dataDir)}`;
  const fallback = config.dataDirIsDefault
    ? ' (AUTH_AGENT_DATA_DIR is not set: the default ./data)'
    : '';
  const via = server ? `, through the running server (process ${server.pid})` : '';
  return `auth-agent: ${where}${fallback}${via}; issuer ${server?.issuer ?? config.issuer}`;
}

/** Rows as an aligned text table; "(none)" for an empty list. */
export function table(columns: Column[], rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((line) => (line[i] ?? '').length)),
  );
  const format = (line: string[]) =>
    line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [format(columns.map((c) => c.header)), ...cells.map(format)].join('\n');
}
