import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, rmSync, writeSync } from 'node:fs';
import type { SecurityEventInput } from '../security/events.js';
import type { SqlDriver } from '../storage/driver.js';

/** A backup or restore refused for a reason the operator can act on. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export const PG_DUMP_HINT =
  'With PostgreSQL (DATABASE_URL), back up with pg_dump and restore with pg_restore: see docs/operations.md.';

export interface BackupWritten {
  file: string;
  bytes: number;
  sha256: string;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/**
 * Writes `bytes` to `file` whole or not at all, and never over an existing file: into a
 * temporary name first (0600: it holds every secret's hash and the sealed signing keys),
 * then linked to its name, which fails if the name is taken.
 */
function writeNew(file: string, bytes: Uint8Array): void {
  const partial = `${file}.partial-${process.pid}`;
  let fd: number;
  try {
    fd = openSync(partial, 'wx', 0o600);
  } catch (error) {
    throw new BackupError(`Cannot write ${file}: ${errorCode(error) ?? 'error'}.`);
  }
  try {
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(partial, file);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    throw new BackupError(`${file} exists: a backup never replaces a file; give a new name.`);
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * `auth-agent backup`: a consistent snapshot of the embedded database, taken by whichever
 * process holds it (the running server, through its control socket, or the CLI itself).
 */
export async function writeBackup(
  db: SqlDriver,
  file: string,
): Promise<{ result: BackupWritten; event: SecurityEventInput }> {
  if (!db.snapshot) throw new BackupError(PG_DUMP_HINT);
  const bytes = await db.snapshot();
  writeNew(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    result: { file, bytes: bytes.byteLength, sha256 },
    event: {
      event: 'admin.action',
      outcome: 'success',
      target: { type: 'database' },
      details: { action: 'backup', bytes: bytes.byteLength },
    },
  };
}
