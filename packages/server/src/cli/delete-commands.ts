import { z } from 'zod';
import { adminCount, deleteAgent, deleteClient, deleteUser } from '../operations/inventory.js';
import { defineCommand } from './command.js';
import { positional } from './command-line.js';

/**
 * `user delete`, `agent delete`, `client delete`. Each writes an `admin.action` security
 * event (action "delete") with the CLI as actor. (APIs: api-commands.ts.)
 */
const oneId = z.object({ id: z.string().min(1) });

export const agentDelete = defineCommand({
  name: 'agent delete',
  summary: 'Delete an agent and every sign-in it has',
  positional: { name: 'ID', help: 'The agent_id.' },
  details:
    'Its grants, refresh tokens and access tokens stop working at once; websites it signed in to see it signed out.',
  input: oneId,
  prepare: (line) => ({ id: positional(line) }),
  step: ({ db }, input) => deleteAgent(db, input.id),
});

export const clientDelete = defineCommand({
  name: 'client delete',
  summary: 'Delete a website (OAuth client) and every sign-in to it',
  positional: { name: 'ID', help: 'The client_id.' },
  details: 'The website can no longer sign agents in, and every token it was given stops working.',
  input: oneId,
  prepare: (line) => ({ id: positional(line) }),
  step: ({ db }, input) => deleteClient(db, input.id),
});

export const userDelete = defineCommand({
  name: 'user delete',
  summary: 'Delete a console account',
  positional: { name: 'EMAIL', help: 'The account’s email.' },
  options: {
    'with-objects': {
      type: 'boolean',
      help: 'Also delete the agents, websites and APIs it owns (refused without this when it owns any).',
    },
  },
  input: z.object({ email: z.string().min(1), withObjects: z.boolean() }),
  prepare: (line) => ({
    email: positional(line),
    withObjects: line.values['with-objects'] === true,
  }),
  async step({ db }, input) {
    const outcome = await deleteUser(db, input.email, input.withObjects);
    const noAdmin = (await adminCount(db)) === 0;
    return {
      ...outcome,
      notice: noAdmin
        ? 'No administrator is left: create one with `auth-agent user create --email EMAIL --admin`.'
        : undefined,
    };
  },
});
