import { parseArgs } from 'node:util';
import pino, { type Logger } from 'pino';
import type { Config } from '../config/load.js';
import { createLogger } from '../logger.js';
import {
  IncidentError,
  type IncidentResult,
  type RevokeScope,
  revokeSessions,
  revokeTokens,
  rotateKeys,
  rotateSecret,
  unlockSubject,
} from '../operations/incident-response.js';
import type { LockoutSubject } from '../security/lockout.js';
import { SecurityLog } from '../security/security-log.js';
import type { SqlDriver } from '../storage/driver.js';
import { openDatabase } from '../storage/open.js';
import { resolveJwtSecret } from '../tokens/jwt-secret.js';
import { UsageError } from './usage-error.js';

export const INCIDENT_USAGE = `Incident response (each writes a security event):
  keys rotate [--revoke-all]              New signing key; --revoke-all invalidates every access token
  tokens revoke --all | --agent ID | --client ID | --user EMAIL
  sessions revoke --all                   Every console user must log in again
  agent rotate-secret ID                  Prints the new agent secret once
  client rotate-secret ID                 Prints the new client secret once
  user unlock EMAIL | agent unlock ID | client unlock ID`;

export type Step = (db: SqlDriver) => Promise<IncidentResult<unknown>>;

function flags(args: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function onePositional(args: string[], what: string): string {
  const { positionals } = flags(args, {});
  if (positionals.length !== 1 || !positionals[0])
    throw new UsageError(`Give exactly one ${what}.`);
  return positionals[0];
}

function revokeScope(args: string[]): RevokeScope {
  const { values } = flags(args, {
    all: { type: 'boolean' },
    agent: { type: 'string' },
    client: { type: 'string' },
    user: { type: 'string' },
  });
  const chosen = [values.all, values.agent, values.client, values.user].filter(
    (v) => v !== undefined,
  );
  if (chosen.length !== 1)
    throw new UsageError('Give exactly one of --all, --agent ID, --client ID, --user EMAIL.');
  if (values.all) return { scope: 'all' };
  if (values.agent) return { scope: 'agent', id: String(values.agent) };
  if (values.client) return { scope: 'client', id: String(values.client) };
  return { scope: 'user', email: String(values.user) };
}

function keysRotate(config: Config, args: string[]): Step {
  const { values } = flags(args, { 'revoke-all': { type: 'boolean' } });
  // Keys are stored wrapped under JWT_SECRET; a generated stand-in would wrap them uselessly.
  if (config.databaseUrl && !config.jwtSecret)
    throw new UsageError('keys rotate needs JWT_SECRET, the same value the servers use.');
  const secret = resolveJwtSecret(config);
  return (db) => rotateKeys(db, secret, values['revoke-all'] === true);
}

/** Which step a command names, or undefined if it is not an incident command. */
export function incidentStep(
  config: Config,
  command: string,
  sub: string,
  args: string[],
): Step | undefined {
  const unlock = (subject: LockoutSubject, what: string): Step => {
    const id = onePositional(args, what);
    return (db) => unlockSubject(db, subject, id);
  };
  const key = `${command} ${sub}`;
  switch (key) {
    case 'keys rotate':
      return keysRotate(config, args);
    case 'tokens revoke': {
      const scope = revokeScope(args);
      return (db) => revokeTokens(db, scope);
    }
    case 'sessions revoke': {
      if (!flags(args, { all: { type: 'boolean' } }).values.all)
        throw new UsageError('sessions revoke needs --all.');
      return (db) => revokeSessions(db);
    }
    case 'agent rotate-secret':
    case 'client rotate-secret': {
      const kind = command as 'agent' | 'client';
      const id = onePositional(args, `${kind} id`);
      return (db) => rotateSecret(db, kind, id, config.pbkdf2Iterations);
    }
    case 'user unlock':
      return unlock('user', 'email');
    case 'agent unlock':
      return unlock('agent', 'agent id');
    case 'client unlock':
      return unlock('client', 'client id');
    default:
      return undefined;
  }
}

/** Runs a step and records its security event with the CLI as actor; returns the result. */
export async function executeIncident(db: SqlDriver, step: Step, logger: Logger): Promise<unknown> {
  const { result, event } = await step(db);
  const log = new SecurityLog(db, logger);
  log.record({ ...event, actor: { type: 'cli', id: process.env.USER ?? undefined } });
  await log.flush();
  return result;
}

/**
 * Runs an incident-response command: prints its result as JSON on stdout and records the
 * security event (actor `cli`, JSON log line on stderr). Returns undefined when the
 * command is not one of these, so the caller can go on to its own commands.
 */
export async function runIncidentCommand(
  config: Config,
  command: string,
  sub: string | undefined,
  args: string[],
): Promise<number | undefined> {
  const step = sub ? incidentStep(config, command, sub, args) : undefined;
  if (!step) return undefined;
  const db = await openDatabase(config);
  try {
    const logger = createLogger(config.logLevel, pino.destination(2));
    console.log(JSON.stringify(await executeIncident(db, step, logger), null, 2));
    return 0;
  } catch (error) {
    if (error instanceof IncidentError) {
      console.error(`auth-agent: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}
