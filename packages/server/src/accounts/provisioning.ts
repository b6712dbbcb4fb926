import { hashSecret } from '../crypto/pbkdf2.js';
import { redirectUriProblem } from '../oauth/redirect-uri.js';
import type { SqlDriver, SqlExecutor } from '../storage/driver.js';
import {
  findUserByEmail,
  insertAgent,
  insertClient,
  registerUser,
} from '../storage/owner-store.js';
import { isEmail, normalizeEmail } from './email.js';
import { generated } from './generated.js';

export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

/*
 * The operator's provisioning (the CLI, the control socket, tests and the bench): it runs on
 * the driver's privileged connection (SqlDriver.privileged), because the application role
 * may not create admins or look accounts up by email, and no console session is involved.
 */

const PUBLIC_ID = /^[A-Za-z0-9._~-]{3,128}$/;

function checkedEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (!isEmail(email)) throw new ProvisioningError(`"${raw}" is not a valid email address.`);
  return email;
}

export async function requireOwner(db: SqlExecutor, email: string) {
  const owner = await findUserByEmail(db, normalizeEmail(email));
  if (!owner)
    throw new ProvisioningError(
      `No user with email ${email}. Create it first with \`auth-agent user create\`.`,
    );
  return owner;
}

/** The same limits as the console's agent form (console/pages/agent-form.ts). */
function checkedText(raw: string | undefined, what: string, max: number): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  if (raw.length > max) throw new ProvisioningError(`${what} must be at most ${max} characters.`);
  if (/\p{Cc}/u.test(raw))
    throw new ProvisioningError(`${what} must not contain control characters.`);
  return raw.trim();
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

export async function provisionUser(
  db: SqlDriver,
  input: { email: string; password: string; admin: boolean; iterations: number },
) {
  const email = checkedEmail(input.email);
  if (input.password.length < 12)
    throw new ProvisioningError('The password must be at least 12 characters.');
  const hash = await hashSecret(input.password, input.iterations);
  const id = await db.privileged(async (tx) => {
    if (await findUserByEmail(tx, email))
      throw new ProvisioningError(`A user with email ${email} already exists.`);
    return registerUser(tx, email, hash, input.admin ? 'admin' : 'user');
  });
  return { id, email, role: input.admin ? 'admin' : 'user' };
}

export async function provisionAgent(
  db: SqlDriver,
  input: {
    ownerEmail: string;
    userEmail: string;
    userName?: string | undefined;
    /** The owner's own name for the agent (the console's "Agent name"); websites never see it. */
    label?: string | undefined;
    agentId?: string | undefined;
    iterations: number;
  },
) {
  checkedEmail(input.userEmail);
  const userName = checkedText(input.userName, 'The name websites receive', 200);
  const label = checkedText(input.label, 'The agent name', 100);
  const agentId = input.agentId ?? generated.agentId();
  if (!PUBLIC_ID.test(agentId))
    throw new ProvisioningError(
      'An agent id is 3 to 128 characters of A-Z, a-z, 0-9, ".", "_", "~" or "-".',
    );
  const agentSecret = generated.agentSecret();
  const secretHash = await hashSecret(agentSecret, input.iterations);
  let owner: Awaited<ReturnType<typeof requireOwner>>;
  try {
    owner = await db.privileged(async (tx) => {
      const found = await requireOwner(tx, input.ownerEmail);
      await insertAgent(tx, found.id, {
        agentId,
        secretHash,
        userEmail: input.userEmail,
        userName,
        label,
      });
      return found;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ProvisioningError(`The agent id ${agentId} is taken.`);
    throw error;
  }
  return {
    agent_id: agentId,
    agent_secret: agentSecret,
    label,
    owner: owner.email,
    user_email: input.userEmail,
    user_name: userName,
  };
}

export async function provisionClient(
  db: SqlDriver,
  input: {
    ownerEmail: string;
    name: string;
    redirectUris: string[];
    public: boolean;
    /** Also allow the client_credentials grant (RFC 6749 §4.4; confidential clients only). */
    clientCredentials?: boolean | undefined;
    iterations: number;
  },
) {
  if (input.name.trim().length === 0 || input.name.length > 200)
    throw new ProvisioningError('The name must be 1 to 200 characters.');
  if (input.redirectUris.length === 0 || input.redirectUris.length > 20)
    throw new ProvisioningError('Give 1 to 20 redirect URIs.');
  for (const uri of input.redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new ProvisioningError(`Redirect URI ${uri} ${problem}.`);
  }
  if (input.clientCredentials && input.public)
    throw new ProvisioningError('A public client cannot use client_credentials.');
  const grantTypes = input.clientCredentials
    ? ['authorization_code', 'refresh_token', 'client_credentials']
    : undefined;
  const clientId = generated.clientId();
  const clientSecret = input.public ? null : generated.clientSecret();
  const secretHash = clientSecret ? await hashSecret(clientSecret, input.iterations) : null;
  const owner = await db.privileged(async (tx) => {
    const found = await requireOwner(tx, input.ownerEmail);
    await insertClient(tx, found.id, {
      clientId,
      secretHash,
      name: input.name.trim(),
      redirectUris: [...new Set(input.redirectUris)],
      grantTypes,
    });
    return found;
  });
  return {
    client_id: clientId,
    client_secret: clientSecret,
    name: input.name.trim(),
    redirect_uris: [...new Set(input.redirectUris)],
    token_endpoint_auth_method: input.public ? 'none' : 'client_secret_basic',
    grant_types: grantTypes ?? ['authorization_code', 'refresh_token'],
    owner: owner.email,
  };
}
