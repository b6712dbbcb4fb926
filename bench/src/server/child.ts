import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The last few kilobytes of stderr, for error messages. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Every child still running, so that a failed run can stop them instead of hanging on them. */
const running = new Set<Child>();

/** Stops every child still running (after a scenario threw, before the bench exits). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

/** Spawns a Node script with stdout ignored (the server logs a line per request there). */
export function spawnNode(
  script: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; nodeArgs?: string[]; stdout?: 'ignore' | 'pipe' },
): Child {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    env: options.env,
    stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8192);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    if (!stopping) stderr += `\n[exited unexpectedly: code ${code}, signal ${signal}]`;
  });
  let stopping = false;
  const handle: Child = {
    process: child,
    pid: child.pid ?? -1,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), 15_000).unref(),
      );
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** Polls `url` until it answers 200, or fails when the child dies or time runs out. */
/**
 * Refuses a port something already listens on. Readiness is polled over HTTP, so a server
 * left over from an interrupted run would otherwise answer for the one just started (which
 * exits with EADDRINUSE) and every figure would be measured against the wrong database.
 */
export async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} is in use (a server left from an earlier run?); stop it or set BENCH_PORT`
            : error.message,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

export async function waitUntilReady(child: Child, url: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) {
      throw new Error(`process exited with ${child.process.exitCode}: ${child.stderr()}`);
    }
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms: ${child.stderr()}`);
}
