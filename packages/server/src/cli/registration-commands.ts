import type { Config } from '../config/load.js';
import { execute, need, parse, readStdin } from './create-commands.js';
import { UsageError } from './usage-error.js';

/** Dynamic Client Registration from the command line (docs/mcp.md). */
export const REGISTRATION_USAGE = `  registration-token create [--ttl SECONDS] [--uses N]
                                          Initial access token for POST /register (CLIENT_REGISTRATION=token)
  client claim --owner EMAIL --client-id ID
                                          Take a dynamically registered client; its registration
                                          access token is read from stdin`;

function positiveInteger(raw: unknown, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${name} must be a whole number.`);
  return value;
}

export async function registrationTokenCreate(config: Config, args: string[]): Promise<number> {
  const values = parse(args, { ttl: { type: 'string' }, uses: { type: 'string' } });
  return execute(config, {
    command: 'registration-token create',
    input: {
      ttlSeconds: positiveInteger(values.ttl, 'ttl', 7 * 24 * 3600),
      uses: positiveInteger(values.uses, 'uses', 1),
    },
  });
}

export async function clientClaim(config: Config, args: string[]): Promise<number> {
  const values = parse(args, { owner: { type: 'string' }, 'client-id': { type: 'string' } });
  const registrationToken = (await readStdin()).trim();
  if (registrationToken === '')
    throw new UsageError('Pipe the registration access token into the command (stdin).');
  return execute(config, {
    command: 'client claim',
    input: {
      ownerEmail: need(values, 'owner'),
      clientId: need(values, 'client-id'),
      registrationToken,
    },
  });
}
