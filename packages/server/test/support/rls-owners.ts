import { confirmEmail } from '../../src/console/mail/verification.js';
import type { SqlExecutor } from '../../src/storage/driver.js';
import { mailedLink, privileged, signUp } from './console.js';
import { obtainTokens } from './flow.js';
import { createHarness, type Harness } from './harness.js';
import { sessionFor } from './sessions.js';

// Shared by rls-owner-tables.test.ts and rls-owner-forgery.test.ts: two owners, A and B, with
// rows in every table that holds owner data, and an admin.

/** Every table with owner data, and how a row names its owner(s). */
export const OWNER_TABLES: Record<string, { owner: string; update?: string }> = {
  users: { owner: 'id', update: 'disabled_at = disabled_at' },
  agents: { owner: 'owner_id', update: 'label = label' },
  clients: { owner: 'owner_id', update: 'name = name' },
  grants: { owner: 'agent_owner_id', update: 'revoke_reason = revoke_reason' },
  console_sessions: { owner: 'user_id' },
  email_verifications: { owner: 'user_id' },
  verified_emails: { owner: 'user_id' },
  agent_sign_in_notifications: { owner: 'owner_id' },
};
/** Tables the application role must not read at all (reached only via SECURITY DEFINER). */
export const HIDDEN_TABLES = [
  'auth_requests',
  'auth_codes',
  'refresh_tokens',
  'revoked_access_tokens',
  'setup_tokens',
  'agent_allowed_clients',
  'agent_allowed_apis',
  'agent_first_sign_ins',
];

export interface RlsWorld {
  h: Harness;
  /** The ids of users A and B, and of the admin. */
  a: string;
  b: string;
  adminId: string;
}

async function userId(h: Harness, email: string): Promise<string> {
  const [row] = await privileged<{ id: string }>(h, 'SELECT id FROM users WHERE email = $1', [
    email,
  ]);
  return row?.id ?? '';
}

async function populate(h: Harness, email: string) {
  await signUp(h, email); // a session and an email verification
  const agent = await h.createAgent(email);
  const client = await h.createClient(email);
  await obtainTokens(h, client, agent); // a grant, refresh token, request, code, first sign-in
  await privileged(
    h,
    `INSERT INTO agent_sign_in_notifications (agent_ref, owner_id, notify_mail, webhook_url,
                                              webhook_secret)
     SELECT id, owner_id, true, 'https://hooks.example.com/' || agent_id, 'sealed-secret'
     FROM agents WHERE agent_id = $1`,
    [agent.agent_id],
  ); // notification settings
  const revoked = await obtainTokens(h, client, agent);
  const revocation = await h.request('/revoke', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token: revoked.access_token }).toString(),
  });
  if (revocation.status !== 200) throw new Error('revocation failed'); // a revoked access token
  if (!(await confirmEmail(h.ctx.db, mailedLink(h, email)))) throw new Error('not verified');
  // The websites and APIs the agent may use (agent_allowed_clients, agent_allowed_apis).
  const api = await h.createApi(email, { identifier: `https://api.example/${email}` });
  await privileged(
    h,
    `INSERT INTO agent_allowed_clients (agent_ref, client_ref)
     SELECT a.id, c.id FROM agents a, clients c WHERE a.agent_id = $1 AND c.client_id = $2`,
    [agent.agent_id, client.client_id],
  );
  await privileged(
    h,
    `INSERT INTO agent_allowed_apis (agent_ref, api_ref)
     SELECT a.id, s.id FROM agents a, resource_servers s WHERE a.agent_id = $1 AND s.api_id = $2`,
    [agent.agent_id, api.api_id],
  );
}

/** Runs one statement as `user` (through a session of theirs), always rolled back. */
export async function asUserRolledBack<T>(
  h: Harness,
  user: string,
  work: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  const rollback = new Error('rollback');
  const session = await sessionFor(h.db.driver, user);
  await h.ctx.db
    .transaction(async (tx) => {
      await tx.query("SELECT set_config('app.session', $1, true)", [session.id]);
      result = await work(tx);
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  return result as T;
}

/** How many rows of `table` belong to `user`, counted with no row filter. */
export async function countOwnedBy(
  h: Harness,
  table: string,
  owner: string,
  user: string,
): Promise<number> {
  const [row] = await privileged<{ n: number }>(
    h,
    `SELECT count(*)::int AS n FROM ${table} WHERE ${owner} = $1`,
    [user],
  );
  return row?.n ?? -1;
}

/** A fresh server with users A and B, each owning rows of every owner table, and an admin. */
export async function createRlsWorld(): Promise<RlsWorld> {
  const h = await createHarness();
  await populate(h, 'rls-a@example.com');
  await populate(h, 'rls-b@example.com');
  const a = await userId(h, 'rls-a@example.com');
  const b = await userId(h, 'rls-b@example.com');
  const adminId = (await h.createUser('rls-admin@example.com')).id;
  await privileged(h, "UPDATE users SET role = 'admin' WHERE id = $1", [adminId]);
  return { h, a, b, adminId };
}
