import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { type Config, ConfigError } from '../config/load.js';
import { createLogger } from '../logger.js';
import { SecurityLog } from '../security/security-log.js';
import { DataDirLockedError } from '../storage/data-dir-lock.js';
import { openDatabase } from '../storage/open.js';
import type { Command, CommandLine } from './command.js';
import { type CommandOutcome, sendControl } from './control-socket.js';
import { executeStep, refusalMessage } from './execute-step.js';
import { storageLine, table } from './output.js';

/**
 * A command that needs an existing embedded database refuses to create one: a mistyped or
 * unset AUTH_AGENT_DATA_DIR would otherwise write a new, empty database that no server reads.
 */
function assertDatabaseExists(config: Config): void {
  if (existsSync(join(config.dataDir, 'pglite', 'PG_VERSION'))) return;
  const unset = config.dataDirIsDefault
    ? ' (AUTH_AGENT_DATA_DIR is not set: the default ./data)'
    : '';
  throw new ConfigError(
    `No embedded database in ${resolve(config.dataDir)}${unset}. Set AUTH_AGENT_DATA_DIR to the ` +
      'data directory your server uses, or DATABASE_URL to its PostgreSQL server; ' +
      '`auth-agent serve` or `auth-agent migrate` creates a new database.',
  );
}

/**
 * Runs the step where the database is: through the running server when it holds the
 * embedded database (its lock refuses us and its socket answers), in this process otherwise.
 */
async function execute(command: Command, input: unknown, config: Config): Promise<CommandOutcome> {
  if (!config.databaseUrl && !command.createsDatabase) assertDatabaseExists(config);
  const actor = process.env.USER || process.env.LOGNAME || undefined;
  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    if (config.databaseUrl) console.error(storageLine(config));
    db = command.open ? await command.open(config, input) : await openDatabase(config);
  } catch (error) {
    const reply =
      error instanceof DataDirLockedError
        ? await sendControl(config.dataDir, { command: command.name, input, actor })
        : undefined;
    if (!reply) throw error;
    console.error(storageLine(config, reply.server));
    return reply;
  }
  if (!config.databaseUrl) console.error(storageLine(config));
  try {
    const logger = createLogger(config.logLevel, pino.destination(2));
    const log = new SecurityLog(db, logger);
    return { ok: true, ...(await executeStep(command, input, { db, config, log }, actor)) };
  } catch (error) {
    const message = refusalMessage(error);
    if (message === undefined) throw error;
    return { ok: false, error: message };
  } finally {
    await db.close();
  }
}

/** Prepares, executes and prints a command; returns the exit code (1: refused). */
export async function runCommand(command: Command, line: CommandLine, config: Config) {
  const input = await command.prepare(line);
  const outcome = await execute(command, input, config);
  if (!outcome.ok) {
    console.error(`auth-agent: ${outcome.error}`);
    return 1;
  }
  const result = command.present(outcome.result, input);
  if (command.table && line.values.json !== true)
    console.log(table(command.table, result as Record<string, unknown>[]));
  else console.log(JSON.stringify(result, null, 2));
  if (outcome.notice) console.error(`auth-agent: ${outcome.notice}`);
  return 0;
}
