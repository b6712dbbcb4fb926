import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ProvisioningError } from '../accounts/provisioning.js';
import type { Config } from '../config/load.js';
import { DataDirLockedError } from '../storage/data-dir-lock.js';
import { openDatabase } from '../storage/open.js';
import { type ControlRequest, executeControl, sendControl } from './control-socket.js';
import { UsageError } from './usage-error.js';

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function parse(args: string[], options: Options) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function need(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required.`);
  return value;
}

function print(result: unknown): number {
  console.log(JSON.stringify(result, null, 2));
  return 0;
}

/**
 * Runs a create command on the database directly, or, when a running server holds the
 * embedded database, through that server's control socket.
 */
async function execute(
  config: Config,
  request: ControlRequest,
  decorate: (result: unknown) => unknown = (result) => result,
): Promise<number> {
  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase(config);
  } catch (error) {
    const viaServer =
      error instanceof DataDirLockedError ? sendControl(config.dataDir, request) : undefined;
    if (!viaServer) throw error;
    const reply = await viaServer;
    if (reply.ok) return print(decorate(reply.result));
    console.error(`auth-agent: ${reply.error}`);
    return 1;
  }
  try {
    return print(decorate(await executeControl(db, config, request)));
  } catch (error) {
    if (!(error instanceof ProvisioningError)) throw error;
    console.error(`auth-agent: ${error.message}`);
    return 1;
  } finally {
    await db.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function userCreate(config: Config, args: string[]): Promise<number> {
  const values = parse(args, {
    email: { type: 'string' },
    admin: { type: 'boolean' },
    'password-stdin': { type: 'boolean' },
  });
  const email = need(values, 'email');
  const fromStdin = values['password-stdin'] === true;
  const password = fromStdin ? await readStdin() : randomBytes(18).toString('base64url');
  const admin = values.admin === true;
  // A generated password is shown once, here; only its PBKDF2 hash is stored.
  return execute(config, { command: 'user create', input: { email, password, admin } }, (user) =>
    fromStdin ? user : { ...(user as object), password },
  );
}

export async function agentCreate(config: Config, args: string[]): Promise<number> {
  const values = parse(args, {
    owner: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    id: { type: 'string' },
  });
  return execute(config, {
    command: 'agent create',
    input: {
      ownerEmail: need(values, 'owner'),
      userEmail: need(values, 'email'),
      userName: values.name as string | undefined,
      agentId: values.id as string | undefined,
    },
  });
}

export async function clientCreate(config: Config, args: string[]): Promise<number> {
  const values = parse(args, {
    owner: { type: 'string' },
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    public: { type: 'boolean' },
  });
  const redirectUris = (values['redirect-uri'] as string[] | undefined) ?? [];
  if (redirectUris.length === 0) throw new UsageError('--redirect-uri is required.');
  return execute(config, {
    command: 'client create',
    input: {
      ownerEmail: need(values, 'owner'),
      name: need(values, 'name'),
      redirectUris,
      public: values.public === true,
    },
  });
}
