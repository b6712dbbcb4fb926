import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './serve-process.js';

/**
 * A PostgreSQL server of the test's own (initdb into a temporary directory, its own port),
 * so that the test may stop, start, freeze and thaw it. PostgreSQL refuses to run as root:
 * as root it runs as the `postgres` user.
 */
export interface OwnPostgres {
  url: string;
  start(): void;
  /** pg_ctl stop -m immediate: connections drop, new ones are refused. */
  stop(): void;
  /** SIGSTOP (or SIGCONT) to the postmaster and every backend: a silent server. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
  dispose(): void;
}

function binDir(): string {
  const [version] = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (!version) throw new Error('No PostgreSQL server binaries under /usr/lib/postgresql.');
  return `/usr/lib/postgresql/${version}/bin`;
}

const asRoot = process.getuid?.() === 0;

function run(command: string, args: string[]): void {
  const [file, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
    : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} failed: ${result.stderr || result.stdout || result.error}`);
}

/** Every process of the cluster: the postmaster and its children (backends, workers). */
/** A short-lived child (a backend ending its session) may be gone by the time it is signalled. */
function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function clusterPids(postmaster: number): number[] {
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(postmaster);
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

export async function ownPostgres(): Promise<OwnPostgres> {
  const bin = binDir();
  const root = mkdtempSync(join(tmpdir(), 'auth-agent-own-pg-'));
  const data = join(root, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(root, uid, gid);
  }
  chmodSync(root, 0o700);
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const log = join(root, 'server.log');
  const pgCtl = (...args: string[]) => run(join(bin, 'pg_ctl'), ['-D', data, ...args]);
  const postmaster = () =>
    Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const own: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => pgCtl('start', '-w', '-l', log, '-o', options),
    stop: () => pgCtl('stop', '-m', 'immediate', '-w'),
    signal(signal) {
      // The postmaster first, so that it forks no backend the list below would miss (CI saw a
      // connection opened at that moment keep serving while the rest were stopped); then
      // its children, again until no new one appears.
      const main = postmaster();
      process.kill(main, signal);
      const signalled = new Set([main]);
      for (let fresh = clusterPids(main); fresh.some((pid) => !signalled.has(pid)); ) {
        for (const pid of fresh.filter((p) => !signalled.has(p))) {
          signalIfAlive(pid, signal);
          signalled.add(pid);
        }
        fresh = clusterPids(main);
      }
    },
    dispose() {
      try {
        own.signal('SIGCONT');
        own.stop();
      } catch {}
      rmSync(root, { recursive: true, force: true });
    },
  };
  own.start();
  return own;
}
