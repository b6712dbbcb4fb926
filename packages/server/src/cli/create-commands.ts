import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Config } from '../config/load.js';
import {
  ProvisioningError,
  provisionAgent,
  provisionClient,
  provisionUser,
} from '../services/provisioning.js';
import type { SqlDriver } from '../storage/driver.js';
import { openDatabase } from '../storage/open.js';
import { UsageError } from './main.js';

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

async function withDatabase(
  config: Config,
  work: (db: SqlDriver) => Promise<unknown>,
): Promise<number> {
  const db = await openDatabase(config);
  try {
    const result = await work(db);
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof ProvisioningError) {
      console.error(`auth-agent: ${error.message}`);
      return 1;
    }
    throw error;
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
  return withDatabase(config, async (db) => {
    const user = await provisionUser(db, {
      email,
      password,
      admin: values.admin === true,
      iterations: config.pbkdf2Iterations,
    });
    // A generated password is printed once, here, and never stored in plaintext.
    return fromStdin ? user : { ...user, password };
  });
}

export async function agentCreate(config: Config, args: string[]): Promise<number> {
  const values = parse(args, {
    owner: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    id: { type: 'string' },
  });
  const ownerEmail = need(values, 'owner');
  const userEmail = need(values, 'email');
  return withDatabase(config, (db) =>
    provisionAgent(db, {
      ownerEmail,
      userEmail,
      userName: values.name as string | undefined,
      agentId: values.id as string | undefined,
      iterations: config.pbkdf2Iterations,
    }),
  );
}

export async function clientCreate(config: Config, args: string[]): Promise<number> {
  const values = parse(args, {
    owner: { type: 'string' },
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    public: { type: 'boolean' },
  });
  const ownerEmail = need(values, 'owner');
  const name = need(values, 'name');
  const redirectUris = (values['redirect-uri'] as string[] | undefined) ?? [];
  if (redirectUris.length === 0) throw new UsageError('--redirect-uri is required.');
  return withDatabase(config, (db) =>
    provisionClient(db, {
      ownerEmail,
      name,
      redirectUris,
      public: values.public === true,
      iterations: config.pbkdf2Iterations,
    }),
  );
}
