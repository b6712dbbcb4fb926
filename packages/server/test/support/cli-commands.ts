import { expect } from 'vitest';
import { COMMANDS } from '../../src/cli/command-table.js';
import type { CliServer } from './cli-server.js';

/**
 * The database commands each cli-commands-*.test.ts file runs, each file against a server of
 * its own. A file's last test checks that it ran exactly the commands listed for it, and that
 * the lists together name every command of COMMANDS: a command no file runs fails both.
 */
export const COMMANDS_RUN_BY = {
  'cli-commands-lifecycle.test.ts': [
    'user create',
    'user list',
    'user unlock',
    'user delete',
    'agent create',
    'agent list',
    'agent unlock',
    'agent rotate-secret',
    'agent delete',
    'client create',
    'client list',
    'client unlock',
    'client rotate-secret',
    'client delete',
    'tokens revoke',
    'sessions revoke',
  ],
  'cli-commands-operations.test.ts': [
    'keys rotate',
    'migrate',
    'registration-token create',
    'client claim',
    'client list',
    'client delete',
    'api create',
    'api list',
    'api unlock',
    'api rotate-secret',
    'api delete',
    'backup',
    'restore',
  ],
} as const;

export const SLOW = 120_000;

/** Runs a command that must succeed (see CliServer.json) and notes which command it was. */
export type RecordedCli = <T = Record<string, unknown>>(...args: string[]) => Promise<T>;

export function recordedCli(s: CliServer, ran: Set<string>): RecordedCli {
  return <T>(...args: string[]) => {
    const found = COMMANDS.find((c) => args.join(' ').startsWith(c.name));
    if (found) ran.add(found.name);
    return s.json<T>(...args);
  };
}

/** The file ran exactly its commands, and the files together run every command. */
export function expectCommandsRun(file: keyof typeof COMMANDS_RUN_BY, ran: Set<string>) {
  expect([...ran].sort()).toEqual([...COMMANDS_RUN_BY[file]].sort());
  const all = new Set(Object.values(COMMANDS_RUN_BY).flat());
  expect([...all].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
}

/** Stops the server; then how many security events `event:action` the CLI left as actor. */
export async function cliEventCounts(s: CliServer): Promise<(name: string) => number> {
  const events = await s.cliEventsAfterStop();
  const names = events.map((e) => `${e.event}:${(e.details as { action?: string }).action ?? ''}`);
  return (name: string) => names.filter((n) => n === name).length;
}

/** The status of GET /userinfo with `token`: 200 while it is good, 401 once it is not. */
export const userinfo = (s: CliServer, token: string) =>
  s.remote
    .request('/userinfo', { headers: { authorization: `Bearer ${token}` } })
    .then((r) => r.status);
