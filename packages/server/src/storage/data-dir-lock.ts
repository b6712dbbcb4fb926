import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock on an embedded data directory so that two processes never open
 * one PGlite database. `O_EXCL` makes the claim atomic; a lock left by a dead process is
 * taken over.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'auth-agent.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new DataDirLockedError(
          `The embedded database in ${dir} is in use by process ${holder.pid} (started ${holder.startedAt}). ` +
            'Stop that process, or set AUTH_AGENT_DATA_DIR to another directory, or use DATABASE_URL ' +
            'with a PostgreSQL server to run several processes.',
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock ${dir}: another process keeps claiming it.`);
}

function readHolder(path: string): { pid: number; startedAt: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; startedAt?: unknown };
    if (typeof parsed.pid !== 'number') return undefined;
    return { pid: parsed.pid, startedAt: String(parsed.startedAt ?? 'at an unknown time') };
  } catch {
    return undefined;
  }
}
