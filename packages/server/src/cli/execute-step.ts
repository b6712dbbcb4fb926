import { z } from 'zod';
import { ProvisioningError } from '../accounts/provisioning.js';
import type { Config } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { BackupError } from '../operations/backup.js';
import { IncidentError } from '../operations/incident-response.js';
import type { SecurityLog } from '../security/security-log.js';
import { asOperator, type SqlDriver } from '../storage/driver.js';
import type { Command } from './command.js';

/** Where the database is open: the CLI's own process, or the server's (control-socket.ts). */
export interface StepHost {
  db: SqlDriver;
  config: Config;
  log: SecurityLog;
}

export interface StepDone {
  result: unknown;
  notice?: string | undefined;
}

/**
 * Runs a command's database step and records its security event with the CLI as actor
 * (`actor`: the OS user who ran it, when known). The event is stored before this returns, so
 * the log shows it as soon as the command has answered.
 */
export async function executeStep(
  command: Command,
  input: unknown,
  host: StepHost,
  actor: string | undefined,
): Promise<StepDone> {
  // The operator's work: on the privileged connection, outside row-level security
  // (storage/driver.ts); the security event goes through the application's log as usual.
  const { result, event, notice } = await command.step({ ...host, db: asOperator(host.db) }, input);
  if (event) {
    host.log.record({ ...event, actor: { type: 'cli', id: actor } }, undefined);
    await host.log.flush();
  }
  return { result, notice };
}

/** The message of an error that refuses a command for a reason the operator can act on. */
export function refusalMessage(error: unknown): string | undefined {
  if (
    error instanceof ProvisioningError ||
    error instanceof IncidentError ||
    error instanceof BackupError ||
    error instanceof ConfigError
  )
    return error.message;
  if (error instanceof z.ZodError)
    return `The command's input is not valid: ${z.prettifyError(error)}`;
  return undefined;
}
