import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { provisionAgent, provisionClient, provisionUser } from '../accounts/provisioning.js';
import { adminCount } from '../operations/inventory.js';
import type { SecurityEventInput } from '../security/events.js';
import { defineCommand } from './command.js';
import { optional, required } from './command-line.js';

const created = (type: string, id: string, extra: Partial<SecurityEventInput> = {}) =>
  ({
    event: 'admin.action',
    outcome: 'success',
    target: { type, id },
    details: { action: 'create' },
    ...extra,
  }) satisfies SecurityEventInput;

/** stdin, without its final newline (a password, a registration access token). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export const userCreate = defineCommand({
  name: 'user create',
  summary: 'Create a console account (--admin: an administrator)',
  options: {
    email: {
      type: 'string',
      value: 'EMAIL',
      required: true,
      help: 'The account’s email (its log-in name).',
    },
    admin: {
      type: 'boolean',
      help: 'Make it an administrator (manages every user, agent, website).',
    },
    'password-stdin': {
      type: 'boolean',
      help: 'Read the password from stdin (12+ characters); otherwise one is generated and printed once.',
    },
  },
  details:
    'Create the administrator first: the one-time setup link `serve` prints works only while no account exists.',
  input: z.object({
    email: z.string(),
    password: z.string(),
    admin: z.boolean(),
    generated: z.boolean(),
  }),
  async prepare(line) {
    const fromStdin = line.values['password-stdin'] === true;
    return {
      email: required(line, 'email'),
      password: fromStdin ? await readStdin() : randomBytes(18).toString('base64url'),
      admin: line.values.admin === true,
      generated: !fromStdin,
    };
  },
  async step({ db, config }, input) {
    const user = await provisionUser(db, { ...input, iterations: config.pbkdf2Iterations });
    const noAdmin = !input.admin && (await adminCount(db)) === 0;
    return {
      result: user,
      event: created('user', user.id, {
        userId: user.id,
        details: { action: 'create', role: user.role },
      }),
      notice: noAdmin
        ? 'This server has no administrator yet: create one with `auth-agent user create --email EMAIL --admin`.'
        : undefined,
    };
  },
  // A generated password is shown once, here; only its PBKDF2 hash is stored.
  present: (user, input) =>
    input.generated ? { ...(user as object), password: input.password } : user,
});

export const agentCreate = defineCommand({
  name: 'agent create',
  summary: 'Create an agent; prints its agent_id and agent_secret once',
  options: {
    owner: {
      type: 'string',
      value: 'EMAIL',
      required: true,
      help: 'The account that owns and manages the agent.',
    },
    email: {
      type: 'string',
      value: 'EMAIL',
      required: true,
      help: 'The email websites receive: the person the agent acts for.',
    },
    label: {
      type: 'string',
      value: 'LABEL',
      help: 'The agent’s name in the console ("Agent name"), for its owner only; without it the console shows the agent id.',
    },
    name: {
      type: 'string',
      value: 'NAME',
      help: 'The person’s name websites receive (the `name` claim, with the profile scope); not shown as the agent’s name.',
    },
    id: {
      type: 'string',
      value: 'ID',
      help: 'The agent_id to use (3-128 of A-Z a-z 0-9 . _ ~ -); generated otherwise.',
    },
  },
  input: z.object({
    ownerEmail: z.string(),
    userEmail: z.string(),
    userName: z.string().optional(),
    label: z.string().optional(),
    agentId: z.string().optional(),
  }),
  prepare: (line) => ({
    ownerEmail: required(line, 'owner'),
    userEmail: required(line, 'email'),
    userName: optional(line, 'name'),
    label: optional(line, 'label'),
    agentId: optional(line, 'id'),
  }),
  async step({ db, config }, input) {
    const agent = await provisionAgent(db, { ...input, iterations: config.pbkdf2Iterations });
    return { result: agent, event: created('agent', agent.agent_id, { agentId: agent.agent_id }) };
  },
});

export const clientCreate = defineCommand({
  name: 'client create',
  summary: 'Register a website (OAuth client); prints its client_id and client_secret once',
  options: {
    owner: {
      type: 'string',
      value: 'EMAIL',
      required: true,
      help: 'The account that owns and manages the website.',
    },
    name: {
      type: 'string',
      value: 'NAME',
      required: true,
      help: 'The website’s name, shown to agents signing in.',
    },
    'redirect-uri': {
      type: 'string',
      value: 'URI',
      multiple: true,
      required: true,
      help: 'An exact callback URL (https, or http on localhost); repeat for several, up to 20.',
    },
    public: {
      type: 'boolean',
      help: 'A public client (a browser or native app): no secret, PKCE only.',
    },
    'client-credentials': {
      type: 'boolean',
      help: 'Also allow the client_credentials grant: tokens for the website itself (not with --public).',
    },
  },
  input: z.object({
    ownerEmail: z.string(),
    name: z.string(),
    redirectUris: z.array(z.string()),
    public: z.boolean(),
    clientCredentials: z.boolean().optional(),
  }),
  prepare(line) {
    return {
      ownerEmail: required(line, 'owner'),
      name: required(line, 'name'),
      redirectUris: (line.values['redirect-uri'] as string[] | undefined) ?? [],
      public: line.values.public === true,
      clientCredentials: line.values['client-credentials'] === true,
    };
  },
  async step({ db, config }, input) {
    const client = await provisionClient(db, { ...input, iterations: config.pbkdf2Iterations });
    return {
      result: client,
      event: created('client', client.client_id, { clientId: client.client_id }),
    };
  },
});
