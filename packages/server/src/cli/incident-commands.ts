import { z } from 'zod';
import { ConfigError } from '../config/load.js';
import {
  type RevokeScope,
  revokeSessions,
  revokeTokens,
  rotateKeys,
  rotateSecret,
  unlockSubject,
} from '../operations/incident-response.js';
import type { LockoutSubject } from '../security/lockout.js';
import { resolveServerSecrets } from '../tokens/server-secrets.js';
import { type Command, defineCommand } from './command.js';
import { positional } from './command-line.js';
import { UsageError } from './usage-error.js';

/**
 * The incident-response commands of the security guide (docs/security.md). The steps are in
 * operations/incident-response.ts, shared with the console; each writes a security event.
 */
export const keysRotate = defineCommand({
  name: 'keys rotate',
  summary: 'Publish the next token signing key; it signs after SIGNING_KEY_ACTIVATION_DELAY',
  options: {
    emergency: {
      type: 'boolean',
      help: 'The new key signs at once; every other key is withdrawn and every grant revoked: every token stops working, agents sign in again.',
    },
    'revoke-all': { type: 'boolean', help: 'The same as --emergency.' },
  },
  details:
    "The key it replaces stays published until the tokens it signed have expired (ACCESS_TOKEN_TTL + 60 s). The new key is sealed under KEY_ENCRYPTION_KEY; run this with the servers' SIGNING_ALG, KEY_ENCRYPTION_KEY, SIGNING_KEY_ACTIVATION_DELAY and ACCESS_TOKEN_TTL.",
  input: z.object({ emergency: z.boolean() }),
  prepare: (line) => ({
    emergency: line.values.emergency === true || line.values['revoke-all'] === true,
  }),
  step({ db, config }, input) {
    // Runs where the database is open, so a running server seals the key under its own
    // KEY_ENCRYPTION_KEY. With PostgreSQL a generated stand-in would seal it under a key no
    // server has.
    if (config.databaseUrl && !config.keyEncryptionKey)
      throw new ConfigError(
        'keys rotate needs KEY_ENCRYPTION_KEY: set it to the value your servers use (the new key is sealed under it).',
      );
    if (config.databaseUrl && config.signingAlg === 'HS256' && !config.jwtSecret)
      throw new ConfigError('keys rotate needs JWT_SECRET: set it to the value your servers use.');
    return rotateKeys(db, config, resolveServerSecrets(config), input.emergency);
  },
});

const scopeInput = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('all') }),
  z.object({ scope: z.literal('agent'), id: z.string().min(1) }),
  z.object({ scope: z.literal('client'), id: z.string().min(1) }),
  z.object({ scope: z.literal('user'), email: z.string().min(1) }),
]) satisfies z.ZodType<RevokeScope>;

export const tokensRevoke = defineCommand({
  name: 'tokens revoke',
  summary: 'Revoke grants: their refresh and access tokens stop working at once',
  options: {
    all: { type: 'boolean', help: 'Every grant of every agent and website.' },
    agent: { type: 'string', value: 'ID', help: 'Every grant of this agent.' },
    client: { type: 'string', value: 'ID', help: 'Every grant to this website (client).' },
    user: { type: 'string', value: 'EMAIL', help: 'Every grant of what this account owns.' },
  },
  details: 'Give exactly one of --all, --agent, --client, --user.',
  input: scopeInput,
  prepare(line): RevokeScope {
    const { all, agent, client, user } = line.values;
    if ([all, agent, client, user].filter((v) => v !== undefined).length !== 1)
      throw new UsageError('Give exactly one of --all, --agent ID, --client ID, --user EMAIL.');
    if (all) return { scope: 'all' };
    if (agent) return { scope: 'agent', id: String(agent) };
    if (client) return { scope: 'client', id: String(client) };
    return { scope: 'user', email: String(user) };
  },
  step: ({ db }, input) => revokeTokens(db, input),
});

export const sessionsRevoke = defineCommand({
  name: 'sessions revoke',
  summary: 'End every console session: everyone must log in again',
  options: { all: { type: 'boolean', help: 'Required: every session of every user.' } },
  input: z.object({}),
  prepare(line) {
    if (line.values.all !== true) throw new UsageError('sessions revoke needs --all.');
    return {};
  },
  step: ({ db }) => revokeSessions(db),
});

function rotateSecretCommand(kind: 'agent' | 'client'): Command {
  return defineCommand({
    name: `${kind} rotate-secret`,
    summary: `New ${kind} secret, printed once; the old one stops working at once`,
    positional: { name: 'ID', help: `The ${kind}_id.` },
    details:
      kind === 'agent'
        ? 'Give the new agent_secret to the agent: until then it cannot sign in.'
        : 'Confidential clients only. The live website fails until it has the new client_secret.',
    input: z.object({ id: z.string().min(1) }),
    prepare: (line) => ({ id: positional(line) }),
    step: ({ db, config }, input) => rotateSecret(db, kind, input.id, config.pbkdf2Iterations),
  });
}

function unlockCommand(subject: LockoutSubject): Command {
  const what = subject === 'user' ? 'EMAIL' : 'ID';
  return defineCommand({
    name: `${subject} unlock`,
    summary: `Clear the lockout of ${{ user: 'a console account', agent: 'an agent', client: 'a website (client)', api: 'an API' }[subject]} after wrong secrets`,
    positional: {
      name: what,
      help: subject === 'user' ? 'The account’s email.' : `The ${subject}_id.`,
    },
    input: z.object({ id: z.string().min(1) }),
    prepare: (line) => ({ id: positional(line) }),
    step: ({ db }, input) => unlockSubject(db, subject, input.id),
  });
}

export const agentRotateSecret = rotateSecretCommand('agent');
export const clientRotateSecret = rotateSecretCommand('client');
export const userUnlock = unlockCommand('user');
export const agentUnlock = unlockCommand('agent');
export const clientUnlock = unlockCommand('client');
export const apiUnlock = unlockCommand('api');
