import { sha256 } from '../crypto/digest.js';
import { randomToken } from '../crypto/random.js';
import type { SqlDriver } from '../storage/driver.js';
import { findUserByEmail } from '../storage/owner-store.js';
import { claimClientFor, createRegistrationToken } from '../storage/registration-store.js';
import { normalizeEmail } from './email.js';
import { ProvisioningError } from './provisioning.js';

/**
 * An initial access token for POST /register (RFC 7591 §3, CLIENT_REGISTRATION=token), made
 * by the operator (the CLI, on the privileged connection: no owner is recorded). It is shown
 * once; only its SHA-256 is stored.
 */
export async function issueRegistrationToken(
  db: SqlDriver,
  input: { ttlSeconds: number; uses: number },
) {
  if (!Number.isInteger(input.ttlSeconds) || input.ttlSeconds < 60 || input.ttlSeconds > 31_536_000)
    throw new ProvisioningError('The lifetime must be 60 to 31536000 seconds.');
  if (!Number.isInteger(input.uses) || input.uses < 1 || input.uses > 100_000)
    throw new ProvisioningError('The number of uses must be 1 to 100000.');
  const token = `aa_iat_${randomToken(32)}`;
  const store = { tokenHash: sha256(token), ttlSeconds: input.ttlSeconds, uses: input.uses };
  const expiresAt = await db.privileged((tx) => createRegistrationToken(tx, store));
  return { initial_access_token: token, expires_at: expiresAt.toISOString(), uses: input.uses };
}

/**
 * An owner takes a dynamically registered client nobody owns, proving the right to it with
 * its registration access token (RFC 7592), which stops working: the owner manages the
 * client from now on, and housekeeping no longer deletes it when unused. The operator's
 * (the CLI): it runs on the privileged connection, naming the owner by email.
 */
export async function claimRegisteredClient(
  db: SqlDriver,
  input: { ownerEmail: string; clientId: string; registrationToken: string },
) {
  const { owner, claimed } = await db.privileged(async (tx) => {
    const found = await findUserByEmail(tx, normalizeEmail(input.ownerEmail));
    if (!found) throw new ProvisioningError(`No user with email ${input.ownerEmail}.`);
    return {
      owner: found,
      claimed: await claimClientFor(tx, found.id, input.clientId, sha256(input.registrationToken)),
    };
  });
  if (!claimed)
    throw new ProvisioningError(
      'No unclaimed, dynamically registered client has this client_id and registration access token.',
    );
  return { client_id: input.clientId, owner: owner.email, claimed: true };
}
