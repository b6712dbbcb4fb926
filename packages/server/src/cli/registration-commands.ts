import { z } from 'zod';
import {
  claimRegisteredClient,
  issueRegistrationToken,
} from '../accounts/self-registered-clients.js';
import { defineCommand } from './command.js';
import { optional, required } from './command-line.js';
import { readStdin } from './create-commands.js';
import { UsageError } from './usage-error.js';

/** Dynamic Client Registration from the command line (docs/mcp.md). */

function wholeNumber(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${name} must be a whole number.`);
  return value;
}

export const registrationTokenCreate = defineCommand({
  name: 'registration-token create',
  summary: 'Make an initial access token for POST /register (CLIENT_REGISTRATION=token)',
  options: {
    ttl: { type: 'string', value: 'SECONDS', help: 'How long it works: 60 to 31536000 (7 days).' },
    uses: { type: 'string', value: 'N', help: 'How many clients it may register (1).' },
  },
  details:
    'Prints {initial_access_token, expires_at, uses}; the token is shown this once and stored only as a hash. A client sends it as `Authorization: Bearer` to POST /register.',
  input: z.object({ ttlSeconds: z.number().int(), uses: z.number().int() }),
  prepare: (line) => ({
    ttlSeconds: wholeNumber(optional(line, 'ttl'), 'ttl', 7 * 24 * 3600),
    uses: wholeNumber(optional(line, 'uses'), 'uses', 1),
  }),
  async step({ db }, input) {
    const token = await issueRegistrationToken(db, input);
    return {
      result: token,
      event: {
        event: 'admin.action',
        outcome: 'success',
        target: { type: 'registration_token' },
        details: { action: 'create', uses: input.uses, ttl_seconds: input.ttlSeconds },
      },
    };
  },
});

export const clientClaim = defineCommand({
  name: 'client claim',
  summary: 'Give a dynamically registered client an owner (its registration access token on stdin)',
  options: {
    owner: { type: 'string', value: 'EMAIL', required: true, help: 'The account that takes it.' },
    'client-id': {
      type: 'string',
      value: 'ID',
      required: true,
      help: 'The client_id POST /register returned.',
    },
  },
  details:
    'Reads the registration access token from stdin: it proves the right to the client, and stops working once the client is claimed. The owner then manages it in the console.',
  input: z.object({ ownerEmail: z.string(), clientId: z.string(), registrationToken: z.string() }),
  async prepare(line) {
    const registrationToken = (await readStdin()).trim();
    if (registrationToken === '')
      throw new UsageError('Pipe the registration access token into the command (stdin).');
    return {
      ownerEmail: required(line, 'owner'),
      clientId: required(line, 'client-id'),
      registrationToken,
    };
  },
  async step({ db }, input) {
    const claimed = await claimRegisteredClient(db, input);
    return {
      result: claimed,
      event: {
        event: 'client.claimed',
        outcome: 'success',
        target: { type: 'client', id: input.clientId },
        clientId: input.clientId,
        details: { owner: claimed.owner },
      },
    };
  },
});
