import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Who holds a data directory's lock (data-dir-lock.ts), written by the holder once it has
 * the lock so that a refused process can name it. Information only: the lock itself is
 * on the directory, so deleting, copying or leaving this file behind locks nothing.
 */
export const HOLDER_FILE = 'auth-agent.lock';

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
}

export function recordHolder(dir: string): void {
  const holder: Holder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  // Written aside and renamed, so a refused process never reads half a record.
  const pending = join(dir, `${HOLDER_FILE}.${process.pid}.tmp`);
  writeFileSync(pending, JSON.stringify(holder), { mode: 0o600 });
  renameSync(pending, join(dir, HOLDER_FILE));
}

export function forgetHolder(dir: string): void {
  rmSync(join(dir, HOLDER_FILE), { force: true });
}

/**
 * "process 123 on host h (started …)" as the holder recorded it. The pid is the one in the
 * holder's own PID namespace; the host name tells containers apart.
 */
export function describeHolder(dir: string): string {
  const holder = readHolder(dir);
  if (!holder) return `another process, which left no record of itself in ${HOLDER_FILE}`;
  return `process ${holder.pid} on host ${holder.host} (started ${holder.startedAt})`;
}

function readHolder(dir: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, HOLDER_FILE), 'utf8')) as Partial<Holder>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      host: String(parsed.host ?? 'unknown'),
      startedAt: String(parsed.startedAt ?? 'at an unknown time'),
    };
  } catch {
    return undefined;
  }
}
