import { normalizeEmail } from '../accounts/email.js';
import { generated } from '../accounts/generated.js';
import type { Config } from '../config/load.js';
import { hashSecret } from '../crypto/pbkdf2.js';
import type { SecurityEventInput } from '../security/events.js';
import { clearLockout, type LockoutSubject } from '../security/lockout.js';
import type { SqlExecutor } from '../storage/driver.js';
import type { ServerSecrets } from '../tokens/server-secrets.js';
import { rotateSigningKey } from '../tokens/signing-keys.js';

/**
 * The incident-response steps of the security guide, the operator's: the CLI runs them on
 * the driver's privileged connection (SqlDriver.privileged), since the application role may
 * not call these functions (migrations/functions/09-security-operations.sql). Each returns
 * what it did and the security event that records it; the caller records the event.
 */
export interface IncidentResult<T> {
  result: T;
  event: SecurityEventInput;
}

export class IncidentError extends Error {
  override readonly name = 'IncidentError';
}

export type RevokeScope =
  | { scope: 'all' }
  | { scope: 'agent'; id: string }
  | { scope: 'client'; id: string }
  | { scope: 'user'; email: string };

export interface KeyRotation {
  kid: string;
  alg: string;
  /** When the new key starts signing (ISO 8601); it is published at once. */
  signs_from: string;
  revoked_keys: number;
  revoked_grants: number;
}

/**
 * `keys rotate`: the next signing key, published now and signing after
 * SIGNING_KEY_ACTIVATION_DELAY. `emergency` (incident response): it signs at once, every
 * other key is withdrawn and every grant revoked, so every token stops working and every
 * agent must sign in again.
 */
export async function rotateKeys(
  db: SqlExecutor,
  config: Config,
  secrets: ServerSecrets,
  emergency: boolean,
  as: 'operator' | 'admin' = 'operator',
): Promise<IncidentResult<KeyRotation>> {
  const rotated = await rotateSigningKey(db, config, secrets, emergency, as);
  const result: KeyRotation = {
    kid: rotated.kid,
    alg: rotated.alg,
    signs_from: rotated.signsFrom.toISOString(),
    revoked_keys: rotated.revokedKeys,
    revoked_grants: rotated.revokedGrants,
  };
  return {
    result,
    event: {
      event: 'admin.keys_rotated',
      outcome: 'success',
      target: { type: 'signing_key', id: rotated.kid },
      details: { emergency, ...result },
    },
  };
}

export async function revokeTokens(
  db: SqlExecutor,
  target: RevokeScope,
): Promise<IncidentResult<{ revoked_grants: number }>> {
  const value = target.scope === 'all' ? null : target.scope === 'user' ? target.email : target.id;
  const [row] = await db.query<{ n: number }>('SELECT security_revoke_grants($1, $2) AS n', [
    target.scope,
    value,
  ]);
  const revoked = row?.n ?? 0;
  return {
    result: { revoked_grants: revoked },
    event: {
      event: 'admin.tokens_revoked',
      outcome: 'success',
      target: { type: target.scope, id: value ?? undefined },
      ...(target.scope === 'agent' ? { agentId: target.id } : {}),
      ...(target.scope === 'client' ? { clientId: target.id } : {}),
      details: { scope: target.scope, revoked_grants: revoked },
    },
  };
}

export async function revokeSessions(
  db: SqlExecutor,
): Promise<IncidentResult<{ revoked_sessions: number | null; note?: string }>> {
  const [row] = await db.query<{ n: number | null }>('SELECT security_revoke_sessions() AS n');
  const n = row?.n ?? null;
  return {
    result:
      n === null
        ? { revoked_sessions: null, note: 'This database has no console sessions table yet.' }
        : { revoked_sessions: n },
    event: {
      event: 'admin.sessions_revoked',
      outcome: 'success',
      target: { type: 'console_sessions', id: 'all' },
      details: { revoked_sessions: n },
    },
  };
}

/** New secret for an agent or confidential client; the old one stops working at once. */
export async function rotateSecret(
  db: SqlExecutor,
  kind: 'agent' | 'client',
  id: string,
  iterations: number,
): Promise<IncidentResult<Record<string, string>>> {
  const secret = kind === 'agent' ? generated.agentSecret() : generated.clientSecret();
  const fn = kind === 'agent' ? 'security_set_agent_secret' : 'security_set_client_secret';
  const [row] = await db.query<{ ok: boolean }>(`SELECT ${fn}($1, $2) AS ok`, [
    id,
    await hashSecret(secret, iterations),
  ]);
  if (!row?.ok) {
    throw new IncidentError(
      kind === 'agent'
        ? `No agent ${id}.`
        : `No confidential client ${id} (public clients have no secret).`,
    );
  }
  return {
    result:
      kind === 'agent'
        ? { agent_id: id, agent_secret: secret }
        : { client_id: id, client_secret: secret },
    event: {
      event: 'admin.secret_rotated',
      outcome: 'success',
      target: { type: kind, id },
      ...(kind === 'agent' ? { agentId: id } : { clientId: id }),
    },
  };
}

/** The security event of an unlock, by the CLI or (with userId) from the console. */
export function unlockedEvent(
  subject: LockoutSubject,
  id: string,
  unlocked: boolean,
  userId?: string,
): SecurityEventInput {
  return {
    event: 'admin.unlocked',
    outcome: 'success',
    target: { type: subject, id },
    ...(subject === 'agent' ? { agentId: id } : {}),
    ...(subject === 'client' ? { clientId: id } : {}),
    ...(userId ? { userId } : {}),
    details: { was_locked: unlocked },
  };
}

/** The operator unlocks any subject, an id that does not exist included (privileged). */
export async function unlockSubject(
  db: SqlExecutor,
  subject: LockoutSubject,
  id: string,
): Promise<IncidentResult<{ unlocked: boolean }>> {
  const unlocked = await clearLockout(db, subject, subject === 'user' ? normalizeEmail(id) : id);
  return { result: { unlocked }, event: unlockedEvent(subject, id, unlocked) };
}
