import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Every PostgreSQL server process on the machine, when no narrower list is known. */
function allPostgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') pids.push(pid);
    } catch {
      // Gone already.
    }
  }
  return pids;
}

export interface CpuSplit {
  /** CPU seconds used during the run by the server processes, PostgreSQL and the load generator. */
  server: number;
  postgres: number;
  loadGenerator: number;
}

/**
 * Where the CPU went during a run, which stays meaningful when other work shares the
 * machine and throughput does not. `postgresPids` are the backends serving the bench's own
 * database (other databases on the same server are not counted; the shared WAL writer and
 * checkpointer are not either); without it, every PostgreSQL process counts.
 */
export function cpuMeter(
  serverPids: () => number[],
  postgresPids: () => number[] = allPostgresPids,
): { stop(backendsNow?: number[]): CpuSplit } {
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + (cpuSeconds(pid) ?? 0), 0);
  const pgBefore = new Map(postgresPids().map((pid) => [pid, cpuSeconds(pid) ?? 0]));
  const serverBefore = sum(serverPids());
  const selfBefore = process.cpuUsage();
  return {
    /** `backendsNow`: backends found at the end; ones the pool opened meanwhile count whole. */
    stop(backendsNow = postgresPids()) {
      let postgres = 0;
      for (const pid of new Set([...pgBefore.keys(), ...backendsNow])) {
        // A backend that closed during the run (idle pool connection) cannot be read any
        // more; its last seconds are lost rather than counted negative.
        const now = cpuSeconds(pid);
        if (now !== undefined) postgres += now - (pgBefore.get(pid) ?? 0);
      }
      const self = process.cpuUsage(selfBefore);
      return {
        server: sum(serverPids()) - serverBefore,
        postgres,
        loadGenerator: (self.user + self.system) / 1e6,
      };
    },
  };
}
