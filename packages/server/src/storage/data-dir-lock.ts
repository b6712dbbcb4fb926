import { closeSync, mkdirSync, openSync } from 'node:fs';
import { describeHolder, forgetHolder, recordHolder } from './data-dir-holder.js';
import { FlockUnavailableError, tryExclusiveFlock } from './flock.js';

/** Another live process holds the data directory. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

/** This machine cannot take the lock at all (see flock.ts); nothing is opened unlocked. */
export class DataDirLockUnavailableError extends Error {
  override readonly name = 'DataDirLockUnavailableError';
}

const HINT =
  'Stop that process, or set AUTH_AGENT_DATA_DIR to another directory, or use DATABASE_URL ' +
  'with a PostgreSQL server to run several processes.';

/**
 * Locks an embedded data directory to this process before PGlite opens any file in it: two
 * processes writing one PGlite database each acknowledge writes that the other then loses.
 *
 * The lock is flock(2) on an fd opened on the directory itself (flock.ts), held until the
 * returned function runs or the process dies (SIGKILL included), and valid across PID
 * namespaces (a second container on a shared volume sees the same inode and the same lock).
 * Why the directory and not a lock file in it: deleting a lock file and creating it again
 * makes a new inode with no lock on it, so anyone could take over by `rm`; the directory
 * cannot be swapped under a running server without taking its database away with it.
 * A copy of the directory (`cp -a`) is a new inode, so the lock does not travel with it.
 *
 * `auth-agent.lock` only records who holds the lock, for the message; a copied or stale one
 * blocks nothing.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fd = openSync(dir, 'r');
  try {
    if (!tryExclusiveFlock(fd)) {
      throw new DataDirLockedError(
        `The embedded database in ${dir} is in use by ${describeHolder(dir)}. ${HINT}`,
      );
    }
    recordHolder(dir);
  } catch (error) {
    closeSync(fd);
    if (!(error instanceof FlockUnavailableError)) throw error;
    throw new DataDirLockUnavailableError(
      `Cannot lock the embedded data directory ${dir}: ${error.message}. The embedded ` +
        'database is not opened without its lock; alternatively use DATABASE_URL.',
    );
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // The record goes first: once the fd is closed, the next holder may write its own.
    forgetHolder(dir);
    closeSync(fd);
  };
}
