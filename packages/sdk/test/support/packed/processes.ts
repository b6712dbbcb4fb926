import { type ChildProcess, spawn } from 'node:child_process';

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

export interface Finished {
  /** The exit code; null when killed by a signal (a timeout included). */
  code: number | null;
  stdout: string;
  /** stdout and stderr interleaved, for failure messages. */
  output: string;
}

/** Runs a command to completion, killing it after `timeoutMs`; never rejects on exit codes. */
export function run(command: string, args: string[], options: RunOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n[killed after ${options.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, output });
    });
  });
}

/** Like {@link run}, but a non-zero exit throws an error carrying the command's output. */
export async function mustRun(
  command: string,
  args: string[],
  options: RunOptions,
): Promise<Finished> {
  const finished = await run(command, args, options);
  if (finished.code !== 0)
    throw new Error(
      `\`${command} ${args.join(' ')}\` in ${options.cwd} exited with ${finished.code}:\n${finished.output}`,
    );
  return finished;
}

export interface LongRunning {
  /** Everything the process wrote so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a server process and resolves once `ready()` says it answers; rejects with the
 * process's output if it exits first or `timeoutMs` passes.
 */
export async function startLongRunning(
  command: string,
  args: string[],
  options: RunOptions & { ready: () => Promise<boolean> },
): Promise<LongRunning> {
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + options.timeoutMs;
  while (!(await options.ready().catch(() => false))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`\`${command} ${args.join(' ')}\` did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { output: () => output, stop };
}
