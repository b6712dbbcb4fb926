import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { assertBuildIsFresh } from '../security-helpers.js';

/** How a spawned `auth-agent` runs: under a wrapper command (`unshare …`), with a PATH. */
export interface SpawnOptions {
  wrapper?: string[];
  env?: Record<string, string>;
}

export interface Exited {
  code: number | null;
  output: string;
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function spawnCli(dataDir: string, args: string[], options: SpawnOptions) {
  const [command, ...prefix] = [...(options.wrapper ?? []), process.execPath];
  const env = {
    PATH: process.env.PATH ?? '',
    AUTH_AGENT_DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    LOG_LEVEL: 'silent',
    ...options.env,
  };
  const child = spawn(command ?? process.execPath, [...prefix, assertBuildIsFresh(), ...args], {
    env,
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  // A wrapper that cannot be run (no `unshare`) fails the test with this, not a hang.
  child.on('error', (error) => (output += `could not run ${command}: ${error.message}`));
  child.stdin.end();
  return { child, output: () => output };
}

/** `auth-agent serve` on `dataDir`, resolved once it prints its issuer. */
export async function startServe(dataDir: string, options: SpawnOptions = {}) {
  const { child, output } = await spawnCli(dataDir, ['serve'], options);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output()}`)), 30_000);
    const check = () => {
      if (!output().includes('Issuer:')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${output()}`));
    });
  });
  return { child, output };
}

/**
 * Runs `auth-agent ARGS` to its end. A process that is still running after `timeoutMs`
 * (a second server that was not refused) is killed and reported with code null: SIGKILL,
 * because `unshare --fork` blocks SIGTERM while it waits (its --kill-child passes it on).
 */
export async function runToExit(
  dataDir: string,
  args: string[],
  options: SpawnOptions = {},
  timeoutMs = 20_000,
): Promise<Exited> {
  const { child, output } = await spawnCli(dataDir, args, options);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    // 'close', which also follows a failed spawn (where 'exit' never comes).
    child.once('close', (exitCode, signal) => resolve(signal ? null : exitCode));
  });
  clearTimeout(timer);
  return { code, output: output() };
}

/** Stops a process with `signal` and waits until it has exited. */
export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
