import { spawnSync } from 'node:child_process';

/**
 * flock(2) for Node, which has no API for it.
 *
 * A flock lock belongs to an open file description, not to a process or a path: every fd
 * that shares the description shares the lock, and the kernel drops it only when the last
 * such fd is closed (flock(2), "Locks created by flock() are associated with an open file
 * description"). So a short-lived child that inherits our fd as its fd 3 and runs
 * `flock -x -n 3` takes the lock on *our* description and exits; the lock stays with the
 * fd this process keeps open, and goes when we close it or when this process dies in any
 * way (SIGKILL included), exactly as an in-process flock(2) would. It is one kernel lock
 * per inode, seen from every PID, user or mount namespace on the same kernel.
 *
 * Chosen over a native addon (fs-ext; or one of our own) because those build with
 * node-gyp at install, which needs python3/make/g++ on every machine that installs the
 * server (slim container images have none) and an install script that npm 11 flags for
 * approval; fs-native-extensions ships prebuilt binaries but uses fcntl OFD locks on Linux,
 * which need a writable fd and so cannot lock a directory (see data-dir-lock.ts).
 * Chosen over a long-running `flock FILE cat` child because here no second process has
 * to notice our death: the kernel releases the lock with our own fds.
 *
 * `flock` is util-linux's (essential on Debian/Ubuntu); BusyBox's takes the same short
 * options and also exits 1, silently, when the lock is held. Perl's flock() is the same
 * system call, for systems without the tool (macOS ships Perl, not flock(1)).
 */
const LOCKERS: ReadonlyArray<{ command: string; args: string[] }> = [
  // Exit 1 with nothing on stderr means held by another; any other failure says why.
  { command: 'flock', args: ['-x', '-n', '3'] },
  {
    command: 'perl',
    args: [
      '-e',
      'use Fcntl qw(:flock); open(my $h, "<&=", 3) or (print STDERR "open: $!\\n"), exit 2; ' +
        'exit 0 if flock($h, LOCK_EX | LOCK_NB); exit 1 if $!{EWOULDBLOCK}; ' +
        'print STDERR "flock: $!\\n"; exit 2',
    ],
  },
];

/** Neither locking tool could be run, or one failed for a reason other than a holder. */
export class FlockUnavailableError extends Error {
  override readonly name = 'FlockUnavailableError';
}

/**
 * Tries to take an exclusive flock on `fd` without waiting. Returns false when another
 * open file description holds it. The lock lasts as long as `fd` stays open.
 */
export function tryExclusiveFlock(fd: number): boolean {
  const missing: string[] = [];
  for (const { command, args } of LOCKERS) {
    const run = spawnSync(command, args, {
      stdio: ['ignore', 'ignore', 'pipe', fd],
      encoding: 'utf8',
      timeout: 10_000,
    });
    if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      missing.push(command);
      continue;
    }
    if (run.status === 0) return true;
    if (run.status === 1 && !run.stderr) return false;
    const reason = run.stderr?.trim() || run.error?.message || `exit ${run.status ?? run.signal}`;
    throw new FlockUnavailableError(`\`${command}\` could not lock: ${reason}`);
  }
  throw new FlockUnavailableError(
    `neither ${missing.map((name) => `\`${name}\``).join(' nor ')} is installed (install util-linux)`,
  );
}
