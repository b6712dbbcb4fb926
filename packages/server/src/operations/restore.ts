import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Config, ConfigError } from '../config/load.js';
import type { SecurityEventInput } from '../security/events.js';
import { HOLDER_FILE } from '../storage/data-dir-holder.js';
import { DataDirLockedError } from '../storage/data-dir-lock.js';
import { asOperator, type SqlDriver, type SqlExecutor } from '../storage/driver.js';
import { openPglite } from '../storage/pglite-driver.js';
import {
  resolveServerSecrets,
  SECRET_FILE_NAMES,
  secretsToGenerate,
} from '../tokens/server-secrets.js';
import { keysSealedElsewhere } from '../tokens/signing-keys.js';
import { PG_DUMP_HINT } from './backup.js';

/** A gzip stream starts so (RFC 1952 §2.3.1); a backup is PGlite's tar.gz. */
const GZIP_MAGIC = [0x1f, 0x8b];

function readBackup(file: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ConfigError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code}.`);
  }
  if (bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1])
    throw new ConfigError(`${file} is not a backup written by \`auth-agent backup\`.`);
  return bytes;
}

/** What is in the data dir besides what a fresh one may hold: the secrets, a lock record. */
function contentsOf(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  const expected = new Set([...SECRET_FILE_NAMES, HOLDER_FILE]);
  return readdirSync(dataDir).filter((name) => !expected.has(name));
}

/** Refusals that leave everything as it was: checked before the data dir is touched. */
function checkTarget(config: Config, force: boolean): void {
  if (config.databaseUrl) throw new ConfigError(PG_DUMP_HINT);
  const dir = resolve(config.dataDir);
  const found = contentsOf(dir);
  if (found.length > 0 && !force)
    throw new ConfigError(
      `${dir} is not empty (${found.slice(0, 3).join(', ')}): restore into a new data ` +
        'directory, or give --force to replace the database in it.',
    );
  const missing = secretsToGenerate(config);
  if (missing.length > 0)
    throw new ConfigError(
      `The backup's signing keys are sealed under the ${missing.join(' and ')} of the server ` +
        `that wrote it: set ${missing.join(' and ')} to that value, or copy the file ` +
        `${missing.length > 1 ? 'files ' : ''}from its data directory into ${dir} (docs/operations.md).`,
    );
}

/**
 * `auth-agent restore`: loads a backup into the data dir under its lock (a running server
 * refuses it), migrates it like any database, and checks that this configuration's
 * secrets open its signing keys; a restore that could not sign leaves no database behind.
 */
export async function openRestored(config: Config, file: string, force: boolean) {
  checkTarget(config, force);
  const bytes = readBackup(file);
  let db: SqlDriver;
  try {
    db = await openPglite(config.dataDir, { restoreFrom: bytes });
  } catch (error) {
    if (error instanceof DataDirLockedError)
      throw new ConfigError(
        `Cannot restore into a data directory a server holds. ${error.message}`,
      );
    throw error;
  }
  const unopened = await keysSealedElsewhere(asOperator(db), resolveServerSecrets(config));
  if (unopened.length === 0) return db;
  await db.close();
  rmSync(join(config.dataDir, 'pglite'), { recursive: true, force: true });
  throw new ConfigError(
    `This KEY_ENCRYPTION_KEY does not open the backup's signing keys (${unopened.join(', ')}): ` +
      'set the one the backed-up server used. Nothing was restored.',
  );
}

/** What came back, counted, and the security event that records the restore. */
export async function restoredSummary(
  db: SqlExecutor,
  file: string,
): Promise<{ result: Record<string, unknown>; event: SecurityEventInput }> {
  const [counts] = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM users)::int AS accounts,
            (SELECT count(*) FROM agents)::int AS agents,
            (SELECT count(*) FROM clients)::int AS websites,
            (SELECT count(*) FROM resource_servers)::int AS apis,
            (SELECT count(*) FROM grants)::int AS grants,
            (SELECT count(*) FROM signing_keys)::int AS signing_keys,
            (SELECT count(*) FROM schema_migrations)::int AS migrations`,
  );
  return {
    result: { restored: true, file, ...counts },
    event: {
      event: 'admin.action',
      outcome: 'success',
      target: { type: 'database' },
      details: { action: 'restore' },
    },
  };
}
