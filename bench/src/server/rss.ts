import { readdirSync, readFileSync } from 'node:fs';

/** Resident set size of one process in bytes, from /proc; undefined once it is gone. */
export function rssOf(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** A process and all its descendants (cluster workers), found by walking /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export interface RssPeak {
  /** Highest RSS any single process of the tree reached. */
  perProcess: number;
  /** Highest sum over the tree at one sampling instant. */
  total: number;
  processes: number;
}

/** Samples process trees' RSS every `intervalMs` until stopped; reports the peaks. */
export function sampleRss(roots: number[], intervalMs = 100): { stop(): RssPeak } {
  const pids = roots.flatMap((root) => processTree(root));
  const peak: RssPeak = { perProcess: 0, total: 0, processes: pids.length };
  const sample = () => {
    let total = 0;
    for (const pid of pids) {
      const rss = rssOf(pid) ?? 0;
      total += rss;
      peak.perProcess = Math.max(peak.perProcess, rss);
    }
    peak.total = Math.max(peak.total, total);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}
