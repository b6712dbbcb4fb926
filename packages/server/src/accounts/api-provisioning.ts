import { hashSecret } from '../crypto/pbkdf2.js';
import type { SqlDriver } from '../storage/driver.js';
import {
  insertApi,
  isTakenIdentifier,
  operatorSetApiSecret,
} from '../storage/resource-server-store.js';
import { type ApiDefinition, checkedApiDefinition } from './api-definition.js';
import { generated } from './generated.js';
import { ProvisioningError, requireOwner } from './provisioning.js';

/**
 * The operator registers an API for an owner (the CLI, the control socket, tests), on the
 * driver's privileged connection like provisionClient. The secret is returned once; only
 * its PBKDF2 hash is stored.
 */
export async function provisionApi(
  db: SqlDriver,
  input: ApiDefinition & { ownerEmail: string; iterations: number },
) {
  const checked = checkedApiDefinition(input);
  if (!checked.ok) throw new ProvisioningError(checked.problem);
  const { api } = checked;
  const apiId = generated.apiId();
  const apiSecret = generated.apiSecret();
  const secretHash = await hashSecret(apiSecret, input.iterations);
  try {
    const owner = await db.privileged(async (tx) => {
      const found = await requireOwner(tx, input.ownerEmail);
      await insertApi(tx, found.id, { ...api, apiId, secretHash });
      return found;
    });
    return { api_id: apiId, api_secret: apiSecret, ...api, owner: owner.email };
  } catch (error) {
    if (isTakenIdentifier(error))
      throw new ProvisioningError(`An API with identifier ${api.identifier} already exists.`);
    throw error;
  }
}

/** A new secret for an API; the old one stops working at once. */
export async function rotateApiSecret(db: SqlDriver, input: { apiId: string; iterations: number }) {
  const apiSecret = generated.apiSecret();
  const secretHash = await hashSecret(apiSecret, input.iterations);
  const changed = await db.privileged((tx) => operatorSetApiSecret(tx, input.apiId, secretHash));
  if (!changed) throw new ProvisioningError(`No API with id ${input.apiId}.`);
  return { api_id: input.apiId, api_secret: apiSecret };
}
