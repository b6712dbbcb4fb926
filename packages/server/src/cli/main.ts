import pino from 'pino';
import { ConfigError, loadConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import { DataDirLockedError, DataDirLockUnavailableError } from '../storage/data-dir-lock.js';
import { agentCreate, clientCreate, userCreate } from './create-commands.js';
import { INCIDENT_USAGE, runIncidentCommand } from './incident-commands.js';
import { migrateCommand } from './migrate-command.js';
import { serveCommand } from './serve-command.js';
import { UsageError } from './usage-error.js';

const USAGE = `Usage: auth-agent <command>

Commands:
  serve                                   Start the server (default)
  migrate                                 Apply database migrations and exit
  user create --email E [--admin] [--password-stdin]
  agent create --owner EMAIL --email E [--name N] [--id ID]
  client create --owner EMAIL --name N --redirect-uri URI [--redirect-uri URI ...] [--public]

${INCIDENT_USAGE}

Settings come from the environment; see docs/configuration.md.`;

/** Entry point of the `auth-agent` bin. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command = 'serve', sub, ...rest] = argv;
  try {
    if (command === 'help' || command === '--help' || command === '-h') {
      console.log(USAGE);
      return 0;
    }
    const config = loadConfig();
    if (command === 'serve') {
      // Asynchronous and buffered by default: a write(2) per log line (two or three per
      // request) was a tenth of the server's CPU in the benchmark's profile (bench/PROFILE.md).
      // Lines are written once 8 KiB are waiting or 100 ms have passed, and pino writes what
      // is buffered when the process exits; LOG_SYNC=1 writes each line before going on.
      const out = config.logSync
        ? undefined
        : pino.destination({ dest: 1, sync: false, minLength: 8192, periodicFlush: 100 });
      return await serveCommand(config, createLogger(config.logLevel, out));
    }
    if (command === 'migrate') return await migrateCommand(config);
    const args = rest;
    if (command === 'user' && sub === 'create') return await userCreate(config, args);
    if (command === 'agent' && sub === 'create') return await agentCreate(config, args);
    if (command === 'client' && sub === 'create') return await clientCreate(config, args);
    const incident = await runIncidentCommand(config, command, sub, args);
    if (incident !== undefined) return incident;
    throw new UsageError(`Unknown command "${[command, sub].filter(Boolean).join(' ')}".`);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`auth-agent: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (
      error instanceof ConfigError ||
      error instanceof DataDirLockedError ||
      error instanceof DataDirLockUnavailableError
    ) {
      console.error(`auth-agent: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
