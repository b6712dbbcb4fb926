import pino from 'pino';
import { ConfigError, loadConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import { DataDirLockedError, DataDirLockUnavailableError } from '../storage/data-dir-lock.js';
import { DatabaseConnectError } from '../storage/pg-connect-error.js';
import type { Command } from './command.js';
import { parseCommandLine } from './command-line.js';
import { findCommand, groupOf } from './command-table.js';
import { commandHelp, overallHelp, SERVE_HELP } from './help.js';
import { runCommand } from './run-command.js';
import { serveCommand } from './serve-command.js';
import { UsageError } from './usage-error.js';

const HELP = ['--help', '-h', 'help'];

/** What the command line named so far, for the usage text of a usage error. */
interface Current {
  command?: Command;
  group?: string | undefined;
}

function serve(args: string[]): Promise<number> | number {
  if (args.some((a) => HELP.includes(a))) {
    console.log(SERVE_HELP);
    return 0;
  }
  if (args.length > 0) throw new UsageError(`serve takes no arguments (got "${args[0]}").`);
  const config = loadConfig();
  // Asynchronous and buffered by default: a write(2) per log line (two or three per
  // request) was a tenth of the server's CPU in the benchmark's profile (bench/PROFILE.md).
  // Lines are written once 8 KiB are waiting or 100 ms have passed, and pino writes what
  // is buffered when the process exits; LOG_SYNC=1 writes each line before going on.
  const out = config.logSync
    ? undefined
    : pino.destination({ dest: 1, sync: false, minLength: 8192, periodicFlush: 100 });
  return serveCommand(config, createLogger(config.logLevel, out));
}

/** `help`, `help agent`, `help agent create`: the same text as `--help` there. */
function help(words: string[]): number {
  const found = findCommand(words);
  if (found) console.log(commandHelp(found.command));
  else if (words[0] === 'serve') console.log(SERVE_HELP);
  else console.log(overallHelp(words[0] ? groupOf(words[0]) : undefined));
  return 0;
}

async function dispatch(argv: string[], current: Current): Promise<number> {
  const [first = 'serve', ...rest] = argv;
  if (first === 'serve') return serve(rest);
  if (HELP.includes(first)) return help(rest);
  const found = findCommand(argv);
  if (!found) {
    current.group = groupOf(first);
    if (current.group && HELP.includes(rest[0] ?? '')) {
      console.log(overallHelp(current.group));
      return 0;
    }
    throw new UsageError(
      current.group && rest.length === 0
        ? `Give a command after "${first}".`
        : `Unknown command "${argv.slice(0, 2).join(' ')}".`,
    );
  }
  current.command = found.command;
  const line = parseCommandLine(found.command, found.args);
  if (line === 'help') {
    console.log(commandHelp(found.command));
    return 0;
  }
  return runCommand(found.command, line, loadConfig());
}

/** Entry point of the `auth-agent` bin. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const current: Current = {};
  try {
    return await dispatch(argv, current);
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = current.command ? commandHelp(current.command) : overallHelp(current.group);
      console.error(`auth-agent: ${error.message}\n\n${usage}`);
      return 2;
    }
    if (
      error instanceof ConfigError ||
      error instanceof DataDirLockedError ||
      error instanceof DataDirLockUnavailableError ||
      error instanceof DatabaseConnectError
    ) {
      console.error(`auth-agent: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
