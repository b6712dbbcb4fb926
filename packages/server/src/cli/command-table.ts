import { apiCreate, apiDelete, apiRotateSecret } from './api-commands.js';
import { backup, restore } from './backup-commands.js';
import type { Command } from './command.js';
import { agentCreate, clientCreate, userCreate } from './create-commands.js';
import { agentDelete, clientDelete, userDelete } from './delete-commands.js';
import {
  agentRotateSecret,
  agentUnlock,
  apiUnlock,
  clientRotateSecret,
  clientUnlock,
  keysRotate,
  sessionsRevoke,
  tokensRevoke,
  userUnlock,
} from './incident-commands.js';
import { agentList, apiList, clientList, userList } from './list-commands.js';
import { migrate } from './migrate-command.js';
import { clientClaim, registrationTokenCreate } from './registration-commands.js';

/**
 * Every command that works on the database, in the order help lists them. Each runs
 * through the running server when it holds the embedded database, and directly otherwise
 * (run-command.ts); a new command is one entry here and nothing else.
 */
export const COMMANDS: readonly Command[] = [
  migrate,
  userCreate,
  userList,
  userDelete,
  userUnlock,
  agentCreate,
  agentList,
  agentDelete,
  agentUnlock,
  agentRotateSecret,
  clientCreate,
  clientList,
  clientDelete,
  clientUnlock,
  clientRotateSecret,
  clientClaim,
  registrationTokenCreate,
  apiCreate,
  apiList,
  apiDelete,
  apiRotateSecret,
  apiUnlock,
  tokensRevoke,
  sessionsRevoke,
  keysRotate,
  backup,
  restore,
];

/** The console calls a client a website; the CLI takes either word. */
const ALIASES: Record<string, string> = { website: 'client', websites: 'client' };

export function commandNamed(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** The first word of each command: user, agent, client, ... */
export function groupOf(word: string): string | undefined {
  const group = ALIASES[word] ?? word;
  return COMMANDS.some((c) => c.name.split(' ')[0] === group) ? group : undefined;
}

/** The command `argv` starts with, and the arguments after its name. */
export function findCommand(argv: string[]): { command: Command; args: string[] } | undefined {
  const [first = '', second = ''] = argv;
  const one = commandNamed(first);
  if (one) return { command: one, args: argv.slice(1) };
  const two = commandNamed(`${ALIASES[first] ?? first} ${second}`);
  return two ? { command: two, args: argv.slice(2) } : undefined;
}
